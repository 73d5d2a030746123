#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliFailure, UsageError } from './errors.js';
import { EVAL_FORMATS, EVAL_TASKS, runEval } from './eval-command.js';
import { runDemo, SAMPLE_FILE } from './demo-command.js';
import { runExport } from './export-command.js';
import { ApiError, HttpClient } from './http-client.js';
import { MAX_CHUNK, runImport } from './import-command.js';
import { keysCreate, keysList, keysRevoke, parseRoles } from './keys-command.js';
import { retagCancel, retagList, runRetag } from './retag-command.js';
import { modelsList, modelsSwitch, modelsTrain, type SwitchOptions } from './models-command.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Context {
  values: Values;
  positionals: string[];
  /** The arguments after the command word, for commands that hand them on unparsed. */
  rest: string[];
  client: () => HttpClient;
}

interface Command {
  name: string;
  summary: string;
  help: string;
  options: Options;
  positionals: [min: number, max: number];
  /** How the positional argument is named in messages. */
  arg?: string;
  /** Unknown options are handed to the command instead of refused (eval forwards them to the task). */
  passthrough?: boolean;
  run: (ctx: Context) => Promise<number>;
}

const GLOBAL: Options = {
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const CONNECTION_HELP = `Connection (every command but eval):
  --url URL      server address (env GUANDIAN_URL, default ${DEFAULT_URL})
  --key KEY      API key (env GUANDIAN_KEY)`;

const str = (v: Values, name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);

function positiveInt(raw: string | undefined, name: string, fallback: number, max: number, command: string): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${raw}"`, command);
  return Number(raw);
}

/** Promotion and rollback take what POST /v1/retag-jobs takes (ModelSwitchDto), or retag:false. */
const SWITCH_OPTIONS: Options = {
  'no-retag': { type: 'boolean' },
  channel: { type: 'string' },
  kind: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
};
const SWITCH_FILTERS = ['channel', 'kind', 'from', 'to'] as const;

const SWITCH_OPTIONS_HELP = `Options:
  --no-retag             switch versions without re-tagging (retag:false)
Re-tag only some documents:
  --channel NAME         only documents from this source
  --kind comment|transcript|social|survey
  --from DATE --to DATE  when the feedback happened (occurredAt, else when it was
                         received), inclusive; ISO 8601, a date alone is 00:00 in the
                         server's TIME_ZONE (--to 2024-05-31T23:59:59.999 takes all of May 31)`;

function switchOptions(v: Values, command: string): SwitchOptions {
  const filters: Record<string, string> = {};
  for (const name of SWITCH_FILTERS) {
    const value = str(v, name);
    if (value !== undefined) filters[name] = value;
  }
  if (v['no-retag'] === true) {
    const given = Object.keys(filters);
    if (given.length) throw new UsageError(`--no-retag skips the re-tag, so --${given.join(', --')} would do nothing`, command);
    return { retag: false };
  }
  return { retag: true, ...filters };
}

const COMMANDS: Command[] = [
  {
    name: 'import',
    summary: 'send a JSONL or CSV file of feedback to the server',
    help: `Usage: guandian import FILE [options]

Sends every document in FILE to POST /v1/documents/batch in chunks, then prints
"accepted N, duplicate N, rejected N, skipped N". Rejected lines are listed on stderr
with their line number and reason.

FILE is JSONL (one document object per line, as the API takes it) or CSV with the
header kind,source,externalId,text[,customerId,occurredAt,question,score,scale] (UTF-8,
with or without BOM; quoted fields may hold commas, quotes and line breaks; question, score
and scale carry survey answers: scale nps 0-10 or csat 1-5).

Progress is kept in FILE.guandian-progress: a re-run skips chunks that were fully sent,
so an interrupted import resumes where it stopped. Re-sent documents come back as
duplicates, never twice.

FILE is streamed, so memory follows a batch, not the file: it is read once to check
it (encoding, CSV syntax, header) and to fingerprint it for resuming, then again
while each batch is sent. A pipe (/dev/stdin, <(zcat export.jsonl.gz) with --format) is
sent as it is read, without saved progress.

Options:
  --format csv|jsonl   override the format guessed from the file extension
  --batch-size N       documents per request, 1-${MAX_CHUNK} (default ${MAX_CHUNK})
  --state FILE         where to keep progress (default FILE.guandian-progress)
  --restart            ignore saved progress and send everything again
  --encoding NAME      the file's encoding, e.g. gb18030 for GBK files saved by
                       Excel on Chinese Windows (default utf-8; the BOM is optional)

Exits 1 if the server stops answering (progress so far is kept) or if every line
was rejected, 130 on Ctrl-C (progress so far is kept; run it again to resume).

${CONNECTION_HELP}`,
    options: { format: { type: 'string' }, 'batch-size': { type: 'string' }, state: { type: 'string' }, restart: { type: 'boolean' }, encoding: { type: 'string' } },
    positionals: [1, 1],
    arg: 'FILE',
    run: async (ctx) => {
      const file = ctx.positionals[0]!;
      const batchSize = positiveInt(str(ctx.values, 'batch-size'), 'batch-size', MAX_CHUNK, MAX_CHUNK, 'import');
      const format = str(ctx.values, 'format');
      const statePath = str(ctx.values, 'state');
      const encoding = str(ctx.values, 'encoding');
      const summary = await runImport(ctx.client(), {
        file,
        batchSize,
        restart: ctx.values.restart === true,
        ...(encoding !== undefined ? { encoding } : {}),
        ...(format !== undefined ? { format } : {}),
        ...(statePath !== undefined ? { statePath } : {}),
      });
      // Rejected documents are reported, not fatal: the rest of the file went in.
      return summary.rejected > 0 && summary.accepted + summary.duplicate === 0 ? 1 : 0;
    },
  },
  {
    name: 'demo',
    summary: 'load the bundled sample feedback into a trial install',
    help: `Usage: guandian demo [options]

Loads examples/sample-feedback.jsonl (some 120 documents a telecom operator might receive over four
weeks: app reviews, Weibo posts, NPS and store-visit CSAT answers, call-center and chat
transcripts, one customer's journey) into the calling key's tenant, so the console has
something to show on a new install. Its dates are moved by whole days so that the newest
falls within the last 24 hours. Then it waits for the worker to tag it and prints how many
tags the tenant holds.

Meant for a trial install, not a production tenant: the documents are feedback like any
other (they count in the dashboard, NPS and cases). Their externalIds start with "demo-";
a second run the same day sends nothing new (duplicates), one on a later day is refused
item by item as "loaded before" (the same ids with other dates).

Prints "accepted N, duplicate N, loaded before N, rejected N". Needs an ingest key (an
admin key has every role); waiting for the tags needs analyst or labeler too, and a key
without them loads the sample and skips the wait.

Options:
  --file FILE      another sample in the same JSONL format (default the bundled one)
  --wait SECONDS   how long to wait for the tags, 0 to not wait (default 120)

${CONNECTION_HELP}`,
    options: { file: { type: 'string' }, wait: { type: 'string' } },
    positionals: [0, 0],
    run: async (ctx) => {
      const wait = str(ctx.values, 'wait');
      if (wait !== undefined && !/^\d+$/.test(wait)) throw new UsageError(`--wait must be a whole number of seconds, got "${wait}"`, 'demo');
      const summary = await runDemo(ctx.client(), { file: str(ctx.values, 'file') ?? SAMPLE_FILE, waitSeconds: wait === undefined ? 120 : Number(wait) });
      return summary.rejected > 0 ? 1 : 0;
    },
  },
  {
    name: 'export',
    summary: 'download tags as CSV or JSONL',
    help: `Usage: guandian export [options]

Streams tags from GET /v1/tags/export to --out FILE (or stdout). CSV is UTF-8 with a
BOM so Excel shows Chinese correctly.

Filters:
  --polarity positive|negative|neutral
  --category ID          a CX category id (see GET /v1/taxonomy)
  --aspect TEXT          an aspect or its group in any script, e.g. 网络 (also 网速, 宽带, 網絡)
  --channel NAME         the document source, e.g. app-review
  --source model|rule|human
                         where the tag came from
  --kind comment|transcript|social|survey
  --scale nps|csat       tags of documents scored on that scale (what the NPS/CSAT drivers count)
  --from DATE --to DATE  when the feedback happened (occurredAt, else when it was
                         received), inclusive; ISO 8601, a date alone is 00:00 in the
                         server's TIME_ZONE (--to 2024-05-31T23:59:59.999 takes all of May 31)
  --q TEXT               text search
  --min-confidence X     0 to 1
  --max-confidence X     0 to 1, e.g. 0.6 for the tags worth reviewing
Output:
  --format csv|jsonl     default csv
  --out FILE             write here instead of stdout (written to FILE.part, then renamed)

${CONNECTION_HELP}`,
    options: {
      polarity: { type: 'string' },
      category: { type: 'string' },
      aspect: { type: 'string' },
      channel: { type: 'string' },
      kind: { type: 'string' },
      scale: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      q: { type: 'string' },
      source: { type: 'string' },
      'min-confidence': { type: 'string' },
      'max-confidence': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    positionals: [0, 0],
    run: async (ctx) => {
      const v = ctx.values;
      const filters: Record<string, string> = {};
      for (const name of ['polarity', 'category', 'aspect', 'channel', 'source', 'kind', 'scale', 'from', 'to', 'q', 'out'] as const) {
        const value = str(v, name);
        if (value !== undefined) filters[name] = value;
      }
      const minConfidence = str(v, 'min-confidence');
      const maxConfidence = str(v, 'max-confidence');
      await runExport(ctx.client(), {
        ...filters,
        ...(minConfidence !== undefined ? { minConfidence } : {}),
        ...(maxConfidence !== undefined ? { maxConfidence } : {}),
        format: str(v, 'format') ?? 'csv',
      });
      return 0;
    },
  },
  {
    name: 'keys create',
    summary: 'create an API key (printed once)',
    help: `Usage: guandian keys create --name NAME --roles ROLE[,ROLE…] [--tenant TENANT]

Creates an API key and prints it on stdout, alone, exactly once (only its hash is
stored). Roles: ingest, analyst, labeler, admin. --tenant defaults to the calling key's
tenant; only the platform admin key may name another one. Needs an admin key.

${CONNECTION_HELP}`,
    options: { name: { type: 'string' }, roles: { type: 'string' }, tenant: { type: 'string' } },
    positionals: [0, 0],
    run: async (ctx) => {
      const name = str(ctx.values, 'name');
      const roles = str(ctx.values, 'roles');
      if (name === undefined || name.trim() === '') throw new UsageError('--name is required', 'keys create');
      if (roles === undefined) throw new UsageError('--roles is required', 'keys create');
      const tenant = str(ctx.values, 'tenant');
      await keysCreate(ctx.client(), { name, roles: parseRoles(roles), ...(tenant !== undefined ? { tenant } : {}) });
      return 0;
    },
  },
  {
    name: 'keys list',
    summary: "list the tenant's API keys",
    help: `Usage: guandian keys list [--json]

Lists the API keys of the calling key's tenant (never the keys themselves). Needs an
admin key.

Options:
  --json   print the raw list as JSON

${CONNECTION_HELP}`,
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    run: async (ctx) => {
      await keysList(ctx.client(), { json: ctx.values.json === true });
      return 0;
    },
  },
  {
    name: 'keys revoke',
    summary: 'revoke an API key by id',
    help: `Usage: guandian keys revoke ID

Revokes the API key with this id (see "guandian keys list"); it stops working at once.
Needs an admin key.

${CONNECTION_HELP}`,
    options: {},
    positionals: [1, 1],
    arg: 'ID',
    run: async (ctx) => {
      await keysRevoke(ctx.client(), ctx.positionals[0]!);
      return 0;
    },
  },
  {
    name: 'retag',
    summary: 're-analyze stored documents with the current model',
    help: `Usage: guandian retag [--channel NAME] [--kind KIND] [--from DATE] [--to DATE]

Starts a retag job (POST /v1/retag-jobs) for the documents matching the filters and
follows it until it is done, with a progress bar on a terminal. Human corrections are
kept. Exits 1 if the job fails or is cancelled. "guandian retag list" shows the tenant's
jobs, whoever started them; "guandian retag cancel ID" stops one.

Options:
  --channel NAME         only documents from this source
  --kind comment|transcript|social|survey
  --from DATE --to DATE  when the feedback happened (occurredAt, else when it was
                         received), inclusive; ISO 8601, a date alone is 00:00 in the
                         server's TIME_ZONE (--to 2024-05-31T23:59:59.999 takes all of May 31)
  --interval MS          how often to poll (default 1000)
  --detach               print the job id and return without waiting

${CONNECTION_HELP}`,
    options: {
      channel: { type: 'string' },
      kind: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      interval: { type: 'string' },
      detach: { type: 'boolean' },
    },
    positionals: [0, 0],
    run: async (ctx) => {
      const v = ctx.values;
      const filters: Record<string, string> = {};
      for (const name of ['channel', 'kind', 'from', 'to'] as const) {
        const value = str(v, name);
        if (value !== undefined) filters[name] = value;
      }
      const intervalMs = positiveInt(str(v, 'interval'), 'interval', 1000, 600_000, 'retag');
      await runRetag(ctx.client(), { ...filters, intervalMs, detach: v.detach === true });
      return 0;
    },
  },
  {
    name: 'retag list',
    summary: "the tenant's re-tag jobs and how far each got (admin)",
    help: `Usage: guandian retag list [--status running|done|cancelled] [--limit N] [--cursor ID] [--json]

Lists the tenant's re-tag jobs, newest first (GET /v1/retag-jobs): each one's status, documents
re-tagged of those it queued, how many failed, when it started (UTC) and with which key, why
(manual, lexicon, or the promotion or rollback that started it; "-" for jobs from before the
server kept it) and its filters. When more jobs remain, the command for the next page is
printed on stderr. Needs an admin key.

Options:
  --status running|done|cancelled
                         only the jobs whose status is that now
  --limit N              jobs per page, 1-1000 (default 20)
  --cursor ID            start after this job (the next page's command says which)
  --json                 print the server's answer as one line

${CONNECTION_HELP}`,
    options: { status: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [0, 0],
    run: async (ctx) => {
      const v = ctx.values;
      const status = str(v, 'status');
      if (status !== undefined && !['running', 'done', 'cancelled'].includes(status)) throw new UsageError(`--status must be running, done or cancelled, got "${status}"`, 'retag list');
      const limit = str(v, 'limit');
      const cursor = str(v, 'cursor');
      await retagList(ctx.client(), {
        json: v.json === true,
        ...(status !== undefined ? { status } : {}),
        ...(limit !== undefined ? { limit: positiveInt(limit, 'limit', 20, 1000, 'retag list') } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      return 0;
    },
  },
  {
    name: 'retag cancel',
    summary: 'stop a running re-tag job (admin)',
    help: `Usage: guandian retag cancel ID

Cancels a running re-tag job (POST /v1/retag-jobs/ID/cancel; "guandian retag list" shows the
ids): no more documents are queued, and those it has not re-tagged yet are handed back with the
tags they had, without being analyzed again (one a worker is analyzing at that moment is
analyzed once more). Prints how many were re-tagged before the cancel. Cancelling a cancelled
job again changes nothing; a job already done exits 1. Needs an admin key.

${CONNECTION_HELP}`,
    options: {},
    positionals: [1, 1],
    arg: 'ID',
    run: async (ctx) => {
      await retagCancel(ctx.client(), ctx.positionals[0]!);
      return 0;
    },
  },
  {
    name: 'models list',
    summary: "the tenant's model versions and the active one",
    help: `Usage: guandian models list [--json]

Lists the versions trained from this tenant's corrections (GET /v1/models), newest first, with
each one's regression-set and corrected-slice accuracy against its parent and the gate verdict;
the active version is marked *. --json prints the server's answer as one line.

${CONNECTION_HELP}`,
    options: { json: { type: 'boolean' } },
    positionals: [0, 0],
    run: async (ctx) => {
      await modelsList(ctx.client(), ctx.values.json === true);
      return 0;
    },
  },
  {
    name: 'models train',
    summary: 'train a new version from the corrections (admin)',
    help: `Usage: guandian models train [--note TEXT] [--interval MS] [--timeout SECONDS] [--detach]

Queues a training job (POST /v1/models/train) and follows it with a progress bar on a
terminal, then prints the new version's metrics and whether it passed the promotion gate.
Exits 1 if the job fails (e.g. there are no corrections yet).

Training runs in worker processes. When the server reports that no worker is connected
to the models queue (an API-only deployment, or workers down), this says so on stderr
and keeps waiting; so it does when the job is still queued after a minute.

Options:
  --note TEXT         why this training was asked for (up to 500 characters), kept with
                      the job's entry in the audit log
  --interval MS       how often to poll (default 1000)
  --timeout SECONDS   give up waiting after this long and exit 1 (the job stays queued
                      on the server); default: wait until the job ends
  --detach            print the job id and return without waiting

${CONNECTION_HELP}`,
    options: { note: { type: 'string' }, interval: { type: 'string' }, timeout: { type: 'string' }, detach: { type: 'boolean' } },
    positionals: [0, 0],
    run: async (ctx) => {
      const intervalMs = positiveInt(str(ctx.values, 'interval'), 'interval', 1000, 600_000, 'models train');
      const timeout = str(ctx.values, 'timeout');
      const timeoutMs = timeout === undefined ? null : positiveInt(timeout, 'timeout', 0, 7 * 24 * 3600, 'models train') * 1000;
      const note = str(ctx.values, 'note');
      await modelsTrain(ctx.client(), { intervalMs, timeoutMs, detach: ctx.values.detach === true, ...(note !== undefined ? { note } : {}) });
      return 0;
    },
  },
  {
    name: 'models promote',
    summary: 'make a trained version the active one (admin)',
    help: `Usage: guandian models promote VERSION [--no-retag | re-tag filters]

Promotes VERSION (POST /v1/models/VERSION/promote). The server refuses a version that did
not pass its gate and says why; this exits 1 with those reasons. Unless --no-retag, the
tenant's finished documents are re-tagged with it (the job id is printed; "guandian retag"
follows such jobs).

${SWITCH_OPTIONS_HELP}

${CONNECTION_HELP}`,
    options: SWITCH_OPTIONS,
    positionals: [1, 1],
    arg: 'VERSION',
    run: async (ctx) => {
      await modelsSwitch(ctx.client(), `/v1/models/${encodeURIComponent(ctx.positionals[0]!)}/promote`, switchOptions(ctx.values, 'models promote'));
      return 0;
    },
  },
  {
    name: 'models rollback',
    summary: 'return to the version active before (admin)',
    help: `Usage: guandian models rollback [--no-retag | re-tag filters]

Returns to the previously active version (POST /v1/models/rollback); exits 1 when there is
none. Unless --no-retag, the tenant's finished documents are re-tagged with it.

${SWITCH_OPTIONS_HELP}

${CONNECTION_HELP}`,
    options: SWITCH_OPTIONS,
    positionals: [0, 0],
    run: async (ctx) => {
      await modelsSwitch(ctx.client(), '/v1/models/rollback', switchOptions(ctx.values, 'models rollback'));
      return 0;
    },
  },
  {
    name: 'eval',
    summary: 'score the analyzer on a gold file (runs locally)',
    help: `Usage: guandian eval --task TASK --file GOLD.jsonl [task options]

Runs the same evaluation as "npm run eval" in this process, with no server involved.
Tasks: opinions, pii, sentiment, category. Progress goes to stderr; the result is one
JSON line on stdout.

Task options:
  --model DIR      the model folder (default $MODEL_DIR, else the package's models/current,
                   wherever this is run from); opinions without a model are scored by
                   the lexicon fallback, and a WARNING on stderr says so
  --lexicons DIR   default the package's own lexicons/
  --verbose        per-document detail on stderr (opinions, pii)
  --fp32 --batch N the float32 graph, texts per call (sentiment, category)

GOLD.jsonl holds one JSON object per line:
${EVAL_TASKS.map((t) => `  ${EVAL_FORMATS[t]}`).join('\n')}

Exits 1 if GOLD.jsonl is missing or not in the task's format (the line is named),
or the model folder holds no model.`,
    // The tasks' own options are named so their values are read as values: an unknown --model DIR
    // took DIR for a positional argument and was refused as one.
    options: {
      task: { type: 'string' },
      file: { type: 'string' },
      model: { type: 'string' },
      lexicons: { type: 'string' },
      batch: { type: 'string' },
      verbose: { type: 'boolean' },
      fp32: { type: 'boolean' },
    },
    positionals: [0, 0],
    passthrough: true,
    run: async (ctx) => runEval(ctx.rest, str(ctx.values, 'task'), str(ctx.values, 'file')),
  },
];

const GROUPS: Record<string, string> = {
  keys: `Usage: guandian keys <create|list|revoke> [options]

Manage API keys (needs an admin key).

Commands:
${COMMANDS.filter((c) => c.name.startsWith('keys '))
  .map((c) => `  ${c.name.slice(5).padEnd(8)} ${c.summary}`)
  .join('\n')}

Run "guandian keys <command> --help" for its options.`,
  models: `Usage: guandian models <list|train|promote|rollback> [options]

Retrain the model from labelers' corrections and switch versions (train, promote and
rollback need an admin key).

Commands:
${COMMANDS.filter((c) => c.name.startsWith('models '))
  .map((c) => `  ${c.name.slice(7).padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "guandian models <command> --help" for its options.`,
};

const TOOL_HELP = `guandian — command-line client for a running 观点 Guandian server

Usage: guandian [--url URL] [--key KEY] <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`).join('\n')}

${CONNECTION_HELP}
  -h, --help     help for the tool or a command ("guandian import --help")
  -V, --version  print the version

Exit status: 0 success, 1 failure (server, network, file), 2 usage error (also a value the
server refuses as invalid, a 400),
130 interrupted (Ctrl-C; an interrupted import keeps its progress).`;

function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const isVersion = (a: string) => a === '--version' || a === '-V';

/**
 * Finds the command words, allowing the connection options to come before them. --help and --version
 * are global options: they count before the command and after it, like --url and --key.
 */
function locateCommand(argv: string[]): { words: string[]; at: number; help: boolean; version: boolean } {
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--url' || t === '--key') {
      i++;
      continue;
    }
    if (t.startsWith('--url=') || t.startsWith('--key=')) continue;
    if (t === '-h' || t === '--help') {
      help = true;
      continue;
    }
    if (isVersion(t)) {
      version = true;
      continue;
    }
    if (t.startsWith('-')) return { words: [], at: i, help, version };
    const words = [t];
    const next = argv[i + 1];
    // a group's word always takes a subcommand; a command's word (retag) only one it has (retag list)
    if (next !== undefined && !next.startsWith('-') && (t in GROUPS || findCommand([t, next]))) words.push(next);
    const after = argv.slice(i + words.length);
    return { words, at: i, help: help || after.some((a) => a === '-h' || a === '--help'), version: version || after.some(isVersion) };
  }
  return { words: [], at: argv.length, help, version };
}

function findCommand(words: string[]): Command | undefined {
  return COMMANDS.find((c) => c.name === words.join(' '));
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { words, at, help, version: wantsVersion } = locateCommand(argv);
  if (wantsVersion) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (words[0] === 'help') {
    const topic = argv.slice(at + 1).filter((a) => !a.startsWith('-'));
    const cmd = findCommand(topic);
    const text = cmd?.help ?? (topic.length === 1 ? GROUPS[topic[0]!] : undefined) ?? (topic.length === 0 ? TOOL_HELP : undefined);
    if (text === undefined) throw new UsageError(`no command "${topic.join(' ')}"`);
    process.stdout.write(text + '\n');
    return 0;
  }
  if (words.length === 0) {
    if (at < argv.length) throw new UsageError(`unknown option "${argv[at]}" (options go after the command)`);
    if (help) {
      process.stdout.write(TOOL_HELP + '\n');
      return 0;
    }
    throw new UsageError('no command given');
  }
  const cmd = findCommand(words);
  if (!cmd) {
    const group = GROUPS[words[0]!];
    if (group !== undefined && words.length === 1) {
      if (help) {
        process.stdout.write(group + '\n');
        return 0;
      }
      throw new UsageError(`"${words[0]}" needs a subcommand: ${COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name.split(' ')[1]).join(', ')}`, words[0]);
    }
    throw new UsageError(`unknown command "${words.join(' ')}"`);
  }
  if (help) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  const args = [...argv.slice(0, at), ...argv.slice(at + words.length)];
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...GLOBAL, ...cmd.options }, allowPositionals: true, strict: !cmd.passthrough }) as typeof parsed;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), cmd.name);
  }
  const { values, positionals } = parsed;
  const [min, max] = cmd.positionals;
  if (positionals.length < min) throw new UsageError(`missing argument ${cmd.arg ?? ''}`.trimEnd(), cmd.name);
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, cmd.name);
  for (const [name, spec] of Object.entries(cmd.options)) {
    if (spec.type === 'string' && values[name] === '') throw new UsageError(`--${name} needs a value`, cmd.name);
  }
  const client = () => {
    const url = str(values, 'url') ?? (env.GUANDIAN_URL || DEFAULT_URL);
    const key = str(values, 'key') ?? env.GUANDIAN_KEY;
    if (!key) throw new UsageError('no API key: pass --key KEY or set GUANDIAN_KEY', cmd.name);
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(url);
    } catch {
      throw new UsageError(`--url "${url}" is not a URL`, cmd.name);
    }
    if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') throw new UsageError(`--url must be http or https, got ${parsedUrl.protocol}`, cmd.name);
    return new HttpClient(url, key);
  };
  return cmd.run({ values, positionals, rest: argv.slice(at + words.length), client });
}

function report(err: unknown): number {
  if (err instanceof UsageError) {
    const hint = err.command ? `guandian ${err.command} --help` : 'guandian --help';
    process.stderr.write(`guandian: ${err.message}\nRun "${hint}" for usage.\n`);
    return 2;
  }
  // The server refusing a request as invalid (400) is refusing a value given on the command line (a
  // --polarity, a --from date the server reads): a usage error like the ones checked here, so exit 2.
  if (err instanceof ApiError && err.status === 400) {
    process.stderr.write(`guandian: ${err.message}\n`);
    return 2;
  }
  if (err instanceof CliFailure) {
    process.stderr.write(`guandian: ${err.message}\n`);
    return 1;
  }
  process.stderr.write(`guandian: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

// A reader that goes away early (`guandian export | head`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// exitCode rather than exit(): stdout may still be flushing a large export into a pipe.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => (process.exitCode = report(err)),
);
