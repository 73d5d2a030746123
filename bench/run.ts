import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, machine, round, type BenchOptions, type BenchResult } from './lib/common.js';
import { renderDocs } from './lib/report.js';

// `npm run bench [-- --only NAME[,NAME]] [--quick] [--budget-min N]`
// Every benchmark runs its peer in the same run, so the ratio survives a noisy, shared machine even
// when the absolute numbers do not.

type Bench = (opts: BenchOptions) => Promise<BenchResult>;
/** Share of the time budget each benchmark may use (the Python peers dominate segment). */
const WEIGHT: Record<string, number> = { segment: 3, rules: 1, sentiment: 2.5, pipeline: 3, ingest: 2.5, query: 4 };
const BENCHES: Record<string, () => Promise<Bench>> = {
  segment: async () => (await import('./segment.js')).segmentBench,
  rules: async () => (await import('./rules.js')).rulesBench,
  sentiment: async () => (await import('./sentiment.js')).sentimentBench,
  pipeline: async () => (await import('./pipeline.js')).pipelineBench,
  ingest: async () => (await import('./ingest.js')).ingestBench,
  query: async () => (await import('./query.js')).queryBench,
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'budget-min': { type: 'string', default: '15' },
    'no-docs': { type: 'boolean', default: false },
  },
});

const names = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(BENCHES);
for (const n of names) {
  if (!BENCHES[n]) {
    process.stderr.write(`unknown benchmark "${n}"; choose from ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
}

const started = Date.now();
const budgetMs = Number(values['budget-min']) * 60_000;
const log = (msg: string) => process.stderr.write(`[bench ${round((Date.now() - started) / 1000, 0)}s] ${msg}\n`);
const env = machine();
log(`${env.cores} cores (${env.cpu}), Node ${env.node}, load ${env.loadAverage.join(' ')}, commit ${env.commit}${env.dirty ? ' (dirty tree)' : ''}`);

const results: BenchResult[] = [];
for (const [i, name] of names.entries()) {
  // each benchmark gets its weighted share of what is left, so one slow peer cannot eat the whole budget
  const left = started + budgetMs - Date.now();
  const weightLeft = names.slice(i).reduce((n, b) => n + WEIGHT[b]!, 0);
  const deadline = Date.now() + (left * WEIGHT[name]!) / weightLeft;
  const bench = await BENCHES[name]!();
  const benchStart = Date.now();
  let result: BenchResult;
  try {
    result = await bench({ quick: values.quick, deadline, log });
  } catch (err) {
    log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    result = {
      bench: name,
      unit: '-',
      ours: null,
      peer: '-',
      peerValue: null,
      ratio: null,
      target: '-',
      targetMet: null,
      note: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      details: {},
      seconds: round((Date.now() - benchStart) / 1000, 1),
    };
  }
  result = { ...result, measuredAt: new Date().toISOString(), commit: env.commit };
  results.push(result);
  process.stdout.write(JSON.stringify(result) + '\n');
}

const outDir = path.join(ROOT, 'bench/results');
fs.mkdirSync(outDir, { recursive: true });
// a --quick smoke must never replace measured results (nor land in a commit): it writes to the temp dir
const file = values.quick ? path.join(os.tmpdir(), 'guandian-bench-quick.json') : path.join(outDir, 'latest.json');
const writeDocs = !values.quick && !values['no-docs'];
// --only keeps the other benchmarks' last results, so one can be re-measured without losing the rest
let previous: BenchResult[] = [];
let previousCommand: string | null = null;
if (values.only && !values.quick && fs.existsSync(file)) {
  try {
    const old = JSON.parse(fs.readFileSync(file, 'utf8')) as { results: BenchResult[]; command: string; machine: { date: string } };
    previous = old.results.filter((r) => !names.includes(r.bench));
    if (previous.length) previousCommand = `${old.command} (${old.machine.date})`;
  } catch {
    previous = [];
  }
}
const order = Object.keys(BENCHES);
const merged = [...previous, ...results].sort((a, b) => order.indexOf(a.bench) - order.indexOf(b.bench));
const report = {
  // a partial re-run says which results came from where; each result also carries measuredAt/commit
  command: `${previousCommand ? `${previousCommand}, then ` : ''}npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  quick: values.quick,
  machine: { ...env, loadAverageAtEnd: machine().loadAverage },
  totalSeconds: round((Date.now() - started) / 1000, 1),
  results: merged,
};
fs.writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2) + '\n');
fs.renameSync(`${file}.tmp`, file);
if (writeDocs) renderDocs(report, path.join(ROOT, 'docs/benchmarks.md'));
log(`done in ${report.totalSeconds}s; wrote ${values.quick ? file : path.relative(ROOT, file)}${writeDocs ? ' and docs/benchmarks.md' : ''}`);
