import path from 'node:path';
import { Args, usageError } from './lib/args.js';
import { Client, pageAll, TransientError } from './lib/client.js';
import { freePort, installCleanup, keepTempDirs, log, sleep, tempDir } from './lib/children.js';
import { makeDocument, type CxDocument } from './lib/corpus.js';
import { Random } from './lib/random.js';
import { RedisServer } from './lib/redis-server.js';
import { assertBuilt, ServiceProcess } from './lib/service.js';

// Chaos run: ingest through the real HTTP API while the service is SIGKILLed, Redis restarts and
// the service restarts gracefully, then prove that every acknowledged document ended `done`
// exactly once with no duplicated tags. Progress goes to stderr; the last stdout line is JSON.
//
// With the embedded store (the default, used here) the API and the worker are ONE process, so
// "killing the worker" means SIGKILL of the whole service: requests in flight die with it.

const HELP = `usage: npm run chaos -- [--seed N] [--docs N] [--kills N] [--rate DOCS_PER_S] [--concurrency N]
                       [--lease-ms MS] [--drain-timeout S] [--keep] [--scenario mixed|repeat-crash]
  --seed           fault timing and corpus seed (default 1)
  --docs           documents to ingest (default 10000)
  --kills          service SIGKILLs; the last one lands after ingest, while the backlog drains (default 4)
  --rate           ingest pace in documents per second, 0 = as fast as possible (default 60)
  --concurrency    parallel client requests (default 3)
  --lease-ms       LEASE_MS for the service (default 20000); the reconciler interval is a quarter
  --drain-timeout  seconds to wait for every acknowledged document to be done (default 300)
  --keep           keep the temp dir (service log, Redis AOF, store files) for inspection
  --scenario       mixed (default): the fault mix above over --docs documents;
                   repeat-crash: one long transcript, the service SIGKILLed twice while that same
                   document is being analyzed, then a bounded wait for it to be done`;

interface Ack {
  id: string;
  first: 'accepted' | 'duplicate';
}

interface Unit {
  kind: 'batch' | 'single';
  docs: CxDocument[];
}

type Fault = { type: 'kill' | 'redis' | 'api'; at: number };

const args = new Args();
if (args.flag('help')) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}
args.only(['seed', 'docs', 'kills', 'rate', 'concurrency', 'lease-ms', 'drain-timeout', 'keep', 'scenario', 'help']);
const scenario = args.string('scenario', 'mixed');
if (scenario !== 'mixed' && scenario !== 'repeat-crash') usageError(`--scenario must be mixed or repeat-crash, got "${scenario}"`);
const seed = args.number('seed', 1, 0, 2 ** 32 - 1);
const docCount = args.number('docs', 10_000, 1, 1_000_000);
const kills = args.number('kills', 4, 0, 50);
const rate = args.number('rate', 60, 0, 100_000);
const concurrency = args.number('concurrency', 3, 1, 64);
const leaseMs = args.number('lease-ms', 20_000, 1000, 600_000);
const drainTimeoutS = args.number('drain-timeout', 300, 10, 3600);
keepTempDirs(args.flag('keep'));

const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
const ADMIN_KEY = `chaos-admin-${seed}-${process.pid}-0123456789abcdef`;
// Long enough to ride out several back-to-back restarts of a loaded service (each can take 30-50 s
// on a busy 2-core machine while the embedded store reloads).
const UNIT_DEADLINE_MS = 600_000;

const acks = new Map<string, Ack>();
const stats = { sent: 0, rejected: 0, conflicts: 0, idMismatches: 0, gaveUp: 0, http: new Map<number, number>() };
const faults = { workerKills: 0, midBatchKills: 0, redisRestarts: 0, apiRestarts: 0, gracefulExitCodes: [] as (number | null)[] };
const problems: string[] = [];

function note(problem: string): void {
  if (problems.length < 20) problems.push(problem);
  log(`PROBLEM: ${problem}`);
}

function acknowledge(doc: CxDocument, id: string, status: 'accepted' | 'duplicate'): void {
  const previous = acks.get(doc.externalId);
  if (previous && previous.id !== id) {
    stats.idMismatches++;
    note(`externalId ${doc.externalId} acknowledged as ${previous.id} and later as ${id}`);
  }
  if (!previous) acks.set(doc.externalId, { id, first: status });
}

function buildUnits(rng: Random, runTag: string): Unit[] {
  const units: Unit[] = [];
  let index = 0;
  while (index < docCount) {
    const single = rng.chance(0.15);
    const size = single ? 1 : Math.min(docCount - index, rng.int(20, 400));
    const docs: CxDocument[] = [];
    for (let i = 0; i < size; i++) docs.push(makeDocument(rng, runTag, index++));
    units.push({ kind: single ? 'single' : 'batch', docs });
  }
  return units;
}

function planFaults(rng: Random): Fault[] {
  // Ingest-time faults land at random points of acknowledged progress between 5 % and 90 %; the
  // last kill is saved for the drain, when the worker is busy and nothing is being ingested.
  const plan: Fault[] = [];
  const ingestKills = kills >= 2 ? kills - 1 : kills;
  for (let i = 0; i < ingestKills; i++) plan.push({ type: 'kill', at: rng.between(0.05, 0.9) });
  plan.push({ type: 'redis', at: rng.between(0.1, 0.85) });
  plan.push({ type: 'api', at: rng.between(0.1, 0.85) });
  return plan.sort((a, b) => a.at - b.at);
}

async function sendUnit(client: Client, unit: Unit): Promise<void> {
  const deadline = Date.now() + UNIT_DEADLINE_MS;
  const count = (status: number) => stats.http.set(status, (stats.http.get(status) ?? 0) + 1);
  try {
    if (unit.kind === 'single') {
      const doc = unit.docs[0]!;
      const res = await client.requestWithRetry<{ id?: string; duplicate?: boolean }>('POST', '/v1/documents', doc, deadline);
      count(res.status);
      if ((res.status === 202 || res.status === 200) && res.body.id) acknowledge(doc, res.body.id, res.status === 202 ? 'accepted' : 'duplicate');
      else if (res.status === 409) {
        stats.conflicts++;
        note(`409 for ${doc.externalId}: the re-sent document was judged different content`);
      } else {
        stats.rejected++;
        note(`POST /v1/documents ${doc.externalId} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      return;
    }
    const res = await client.requestWithRetry<{ items: { index: number; id?: string; status: string; error?: { code: string } }[] }>(
      'POST',
      '/v1/documents/batch',
      { documents: unit.docs },
      deadline,
    );
    count(res.status);
    if (res.status !== 207) {
      stats.rejected += unit.docs.length;
      note(`batch → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return;
    }
    for (const item of res.body.items) {
      const doc = unit.docs[item.index]!;
      if ((item.status === 'accepted' || item.status === 'duplicate') && item.id) acknowledge(doc, item.id, item.status);
      else if (item.error?.code === 'conflict') {
        stats.conflicts++;
        note(`batch conflict for ${doc.externalId}`);
      } else {
        stats.rejected++;
        note(`batch item ${doc.externalId} rejected: ${JSON.stringify(item.error).slice(0, 300)}`);
      }
    }
  } catch (err) {
    if (!(err instanceof TransientError)) throw err;
    stats.gaveUp += unit.docs.length;
    note(`gave up on ${unit.docs.length} document(s) after ${UNIT_DEADLINE_MS / 1000} s: ${err.message}`);
  }
}

async function ingest(client: Client, units: Unit[]): Promise<void> {
  let next = 0;
  let scheduledDocs = 0;
  const t0 = Date.now();
  const sender = async () => {
    for (;;) {
      const unit = units[next++];
      if (!unit) return;
      // A fixed pace spreads the faults over minutes of mixed ingest and processing instead of
      // a few seconds of pure ingest.
      if (rate > 0) {
        const due = t0 + (scheduledDocs / rate) * 1000;
        scheduledDocs += unit.docs.length;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      stats.sent += unit.docs.length;
      await sendUnit(client, unit);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
}

async function killService(service: ServiceProcess, client: Client, rng: Random, label: string): Promise<void> {
  // Aim at a moment when a batch request is being handled, then let a random slice of it run.
  const batches = () => client.inFlight('/v1/documents/batch');
  const aimUntil = Date.now() + 3000;
  while (batches() === 0 && Date.now() < aimUntil) await sleep(5);
  await sleep(rng.int(0, 150));
  const midBatch = batches() > 0;
  await service.kill();
  faults.workerKills++;
  if (midBatch) faults.midBatchKills++;
  log(`SIGKILL service (${label}, kill ${faults.workerKills}${midBatch ? ', a batch request was in flight' : ''})`);
  await sleep(rng.int(200, 1500));
  const t = Date.now();
  await service.start();
  log(`service back after restart in ${Date.now() - t} ms`);
}

async function runFaults(plan: Fault[], rng: Random, service: ServiceProcess, redis: RedisServer, client: Client, ingestDone: () => boolean): Promise<void> {
  for (const fault of plan) {
    while (acks.size / docCount < fault.at && !ingestDone()) await sleep(20);
    if (fault.type === 'kill') {
      await killService(service, client, rng, `at ${(100 * acks.size / docCount).toFixed(0)} % acknowledged`);
    } else if (fault.type === 'redis') {
      log(`restarting Redis (SIGTERM, then start on the same AOF dir)`);
      await redis.stop('SIGTERM');
      await sleep(rng.int(1000, 4000));
      await redis.start();
      faults.redisRestarts++;
      log('redis back');
    } else {
      log('graceful service restart (SIGTERM)');
      const code = await service.terminate();
      faults.gracefulExitCodes.push(code);
      if (code !== 0) note(`graceful shutdown exited with code ${code}, expected 0`);
      faults.apiRestarts++;
      await service.start();
      log('service back after graceful restart');
    }
  }
}

interface ListedDoc {
  id: string;
  source: string;
  externalId: string;
  status: string;
  error: string | null;
}

interface ListedTag {
  id: string;
  documentId: string;
  turnIndex: number | null;
  span: { start: number; end: number };
  aspect: string | null;
}

async function pending(client: Client): Promise<{ queued: number; processing: number; failed: number }> {
  const one = async (status: string) => {
    const res = await client.requestWithRetry<{ items: unknown[] }>('GET', `/v1/documents?status=${status}&limit=1000`, undefined, Date.now() + 60_000);
    return res.body.items.length;
  };
  return { queued: await one('queued'), processing: await one('processing'), failed: await one('failed') };
}

async function drain(client: Client): Promise<void> {
  const deadline = Date.now() + drainTimeoutS * 1000;
  let lastLog = 0;
  for (;;) {
    const p = await pending(client);
    if (p.queued === 0 && p.processing === 0) {
      log(`drained${p.failed > 0 ? ` (${p.failed} failed)` : ''}`);
      return;
    }
    if (Date.now() > deadline) {
      note(`drain timed out after ${drainTimeoutS} s: queued ${p.queued}, processing ${p.processing} (1000 = at least)`);
      return;
    }
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`draining: queued ${p.queued}, processing ${p.processing}, failed ${p.failed} (1000 = at least)`);
    }
    await sleep(2000);
  }
}

async function verify(client: Client) {
  const docs = await pageAll<ListedDoc>(client, '/v1/documents');
  const byId = new Map<string, ListedDoc[]>();
  const byExternal = new Map<string, ListedDoc[]>();
  for (const d of docs) {
    byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
    const key = `${d.source}\u0001${d.externalId}`;
    byExternal.set(key, [...(byExternal.get(key) ?? []), d]);
  }
  let lost = 0;
  let done = 0;
  let notDone = 0;
  let duplicateDocs = 0;
  const sourceOf = new Map<string, string>();
  for (const [externalId, ack] of acks) {
    const found = byId.get(ack.id) ?? [];
    if (found.length === 0) {
      lost++;
      note(`lost: ${externalId} was acknowledged as ${ack.id} (${ack.first}) but is not stored`);
      continue;
    }
    if (found.length > 1) {
      duplicateDocs += found.length - 1;
      note(`document ${ack.id} listed ${found.length} times`);
    }
    const doc = found[0]!;
    sourceOf.set(doc.id, doc.source);
    const twins = byExternal.get(`${doc.source}\u0001${externalId}`) ?? [];
    if (twins.length > 1) {
      duplicateDocs += twins.length - 1;
      note(`externalId ${externalId} stored ${twins.length} times: ${twins.map((t) => t.id).join(', ')}`);
    }
    if (doc.status === 'done') done++;
    else {
      notDone++;
      if (notDone <= 5) note(`not done: ${doc.id} (${externalId}) is ${doc.status}${doc.error ? `: ${doc.error}` : ''}`);
    }
  }
  const stored = docs.length;
  const unacknowledgedStored = docs.filter((d) => acks.get(d.externalId)?.id !== d.id).length;

  const tags = await pageAll<ListedTag>(client, '/v1/tags');
  const tagIds = new Set<string>();
  const keys = new Set<string>();
  let duplicateTags = 0;
  let repeatedTagIds = 0;
  let orphanTags = 0;
  for (const t of tags) {
    if (tagIds.has(t.id)) {
      // The same tag served twice is a paging fault, not a stored duplicate; reported apart.
      repeatedTagIds++;
      continue;
    }
    tagIds.add(t.id);
    if (!byId.has(t.documentId)) orphanTags++;
    const key = `${t.documentId}|${t.turnIndex ?? ''}|${t.span.start}|${t.span.end}|${t.aspect ?? ''}`;
    if (keys.has(key)) {
      duplicateTags++;
      if (duplicateTags <= 5) note(`duplicate tag ${key}`);
    }
    keys.add(key);
  }
  return { lost, done, notDone, duplicateDocs, stored, unacknowledgedStored, tags: tagIds.size, duplicateTags, repeatedTagIds, orphanTags };
}

async function main(): Promise<void> {
  installCleanup();
  assertBuilt();
  if (!RedisServer.available()) throw new Error('redis-server is not installed (apt-get install redis-server)');
  process.on('unhandledRejection', (err) => {
    log(`unhandled rejection: ${String(err)}`);
    process.exit(1);
  });

  const root = tempDir('guandian-chaos-');
  const redisDir = path.join(root, 'redis');
  const dataDir = path.join(root, 'data');
  await import('node:fs').then((fs) => {
    fs.mkdirSync(redisDir);
    fs.mkdirSync(dataDir);
  });
  const redis = new RedisServer(await freePort(), redisDir);
  await redis.start();
  log(`redis-server on ${redis.url} (appendonly yes, appendfsync everysec, noeviction), dir ${redisDir}`);

  const service = new ServiceProcess(
    await freePort(),
    {
      ROLE: 'all',
      REDIS_URL: redis.url,
      DATA_DIR: dataDir,
      GUANDIAN_ADMIN_KEY: ADMIN_KEY,
      QUEUE_PREFIX: `chaos-${seed}-${process.pid}`,
      LOG_LEVEL: 'warn',
      LEASE_MS: String(leaseMs),
      RECONCILE_INTERVAL_MS: String(Math.max(1000, Math.round(leaseMs / 4))),
      SHUTDOWN_TIMEOUT_MS: '20000',
      WORKER_CONCURRENCY: '4',
    },
    path.join(root, 'service.log'),
  );
  await service.start();
  log(`service on ${service.url}, data ${dataDir}; embedded store: API and worker share this one process, so a worker kill is a SIGKILL of the whole service`);

  if (scenario === 'repeat-crash') return repeatCrash(service, redis);

  const runTag = `chaos-${seed}-${started.toString(36)}`;
  const units = buildUnits(new Random(seed), runTag);
  const plan = planFaults(new Random(seed ^ 0x5bd1e995));
  log(`seed ${seed}: ${docCount} documents in ${units.length} requests (${units.filter((u) => u.kind === 'batch').length} batches), pace ${rate || '∞'} docs/s, faults ${plan.map((f) => `${f.type}@${(f.at * 100).toFixed(0)}%`).join(' ')} + kill during drain`);

  const client = new Client(() => service.url, ADMIN_KEY);
  let ingestFinished = false;
  const progress = setInterval(() => {
    log(`progress: sent ${stats.sent}, acknowledged ${acks.size}/${docCount}, client retries ${client.retries}, kills ${faults.workerKills}, redis restarts ${faults.redisRestarts}, graceful restarts ${faults.apiRestarts}`);
  }, 10_000);
  const faultRng = new Random(seed ^ 0x27d4eb2f);
  const monkey = runFaults(plan, faultRng, service, redis, client, () => ingestFinished);
  await ingest(client, units);
  ingestFinished = true;
  await monkey;
  log(`ingest finished at ${seconds()} s: ${acks.size} acknowledged (${[...acks.values()].filter((a) => a.first === 'duplicate').length} first seen as duplicate re-sends), ${client.retries} client retries`);
  if (kills >= 2) {
    await sleep(faultRng.int(500, 4000));
    await killService(service, client, faultRng, 'while draining');
  }
  clearInterval(progress);
  await finish(service, redis, client, docCount);
}

async function waitForClaim(client: Client, id: string, attempt: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await client.request<{ status: string; attempts: number }>('GET', `/v1/documents/${id}`, undefined, 10_000);
      if (res.body.status === 'done') return false;
      if (res.body.status === 'processing' && res.body.attempts >= attempt) return true;
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
    }
    await sleep(20);
  }
  return false;
}

/**
 * A crash that repeats while the same document is in the analyzer: one long transcript (seconds of
 * analysis) plus ordinary documents; the service is SIGKILLed while that document is claimed, and
 * again when it has been claimed a second time. A crash loop (OOM, a bad deploy) does exactly this.
 */
async function repeatCrash(service: ServiceProcess, redis: RedisServer): Promise<void> {
  const rng = new Random(seed);
  const client = new Client(() => service.url, ADMIN_KEY);
  const runTag = `repeat-${seed}-${started.toString(36)}`;
  const turns: { speaker: 'customer' | 'agent'; text: string }[] = [];
  let length = 0;
  // Long customer turns keep the transcript within the 500-turn limit while near 18,000 characters.
  for (let i = 0; length < 18_000; ) {
    let text = '';
    while (text.length < 600) {
      const d = makeDocument(rng, runTag, i++);
      text += d.text ?? d.turns!.filter((t) => t.speaker === 'customer').map((t) => t.text).join('');
    }
    turns.push({ speaker: 'customer', text }, { speaker: 'agent', text: '好的，我这边记录一下。' });
    length += text.length + 11;
  }
  const long: CxDocument = { kind: 'transcript', source: 'call-center', externalId: `${runTag}-long`, turns };
  const others = Array.from({ length: 50 }, (_, i) => makeDocument(rng, runTag, 1000 + i));
  const res = await client.requestWithRetry<{ id: string }>('POST', '/v1/documents', long, Date.now() + 60_000);
  if (res.status !== 202) throw new Error(`long document → ${res.status} ${JSON.stringify(res.body)}`);
  acknowledge(long, res.body.id, 'accepted');
  await sendUnit(client, { kind: 'batch', docs: others });
  log(`long transcript ${res.body.id}: ${turns.length} turns, ${length} characters`);
  let landed = 0;
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (!(await waitForClaim(client, res.body.id, attempt, 240_000))) {
      note(`inconclusive: claim ${attempt} of the long document was not observed (done already, or never claimed)`);
      break;
    }
    await sleep(rng.int(50, 300));
    await service.kill();
    faults.workerKills++;
    landed++;
    log(`SIGKILL service while the long document is in claim ${attempt}`);
    await sleep(rng.int(200, 1500));
    await service.start();
    log('service back');
  }
  if (landed === 2) log('both kills landed on the same document; waiting for it to be done');
  await finish(service, redis, client, acks.size);
}

async function finish(service: ServiceProcess, redis: RedisServer, client: Client, expected: number): Promise<void> {
  await drain(client);
  const result = await verify(client);
  const code = await service.terminate();
  await redis.stop();

  const summary = {
    accepted: acks.size,
    done: result.done,
    lost: result.lost,
    duplicateTags: result.duplicateTags,
    faults: { workerKills: faults.workerKills, redisRestarts: faults.redisRestarts, apiRestarts: faults.apiRestarts },
    seconds: seconds(),
    seed,
    docs: expected,
    notDone: result.notDone,
    duplicateDocs: result.duplicateDocs,
    idMismatches: stats.idMismatches,
    conflicts: stats.conflicts,
    rejected: stats.rejected,
    gaveUp: stats.gaveUp,
    clientRetries: client.retries,
    midBatchKills: faults.midBatchKills,
    tags: result.tags,
    repeatedTagIds: result.repeatedTagIds,
    orphanTags: result.orphanTags,
    storedNotAcknowledged: result.unacknowledgedStored,
    gracefulExitCodes: [...faults.gracefulExitCodes, code],
    httpStatuses: Object.fromEntries([...stats.http].sort((a, b) => a[0] - b[0])),
    scenario,
  };
  const failed =
    summary.lost > 0 ||
    summary.duplicateTags > 0 ||
    summary.notDone > 0 ||
    summary.duplicateDocs > 0 ||
    summary.idMismatches > 0 ||
    summary.conflicts > 0 ||
    summary.rejected > 0 ||
    summary.gaveUp > 0 ||
    summary.gracefulExitCodes.some((c) => c !== 0) ||
    summary.accepted !== expected;
  if (failed) {
    log(`FAILED. Problems:\n  ${problems.join('\n  ')}\nservice log tail:\n${service.tail(60)}`);
    if (!args.flag('keep')) log('re-run with --keep to inspect the service log, the AOF and the store files');
  } else {
    log('PASSED: every acknowledged document is stored once and done; no duplicate tags; graceful stops exited 0');
  }
  process.stdout.write(JSON.stringify(summary) + '\n');
  process.exitCode = failed ? 1 : 0;
}

main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err: unknown) => {
    log(`chaos run aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    // exit() rather than exitCode: live child handles would keep the loop (and the children) alive;
    // the exit hook kills them and removes the temp dirs.
    process.exit(2);
  });
