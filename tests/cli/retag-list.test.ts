import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ulid } from '../../src/ids.js';
import { bearer, createKey, holdRetagWrite, listenOnLoopback, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { assertCliBuilt, runBuiltCli, type CliResult } from '../helpers/cli.js';

// `guandian retag list`: the built CLI against the real app (embedded store, worker running) over HTTP.

let rt: TestRuntime;
let server: { url: string; close(): Promise<void> } | undefined;
let url: string;
let admin: string;
let adminId: string;
let analyst: string;
const jobs = { manual: '', lexicon: '' };

async function waitJob(id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await rt.http.get(`/v1/retag-jobs/${id}`).set(bearer(admin)).expect(200)).body.status === 'done') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`re-tag job ${id} did not finish`);
}

beforeAll(async () => {
  assertCliBuilt();
  rt = await startRuntime();
  admin = await createKey(rt, ['admin'], 'cli-rl');
  adminId = (await rt.http.get('/v1/me').set(bearer(admin)).expect(200)).body.id as string;
  analyst = await createKey(rt, ['analyst'], 'cli-rl');
  for (const [i, [source, text]] of [['app', '客服态度很差'], ['web', '外卖送得太慢了']].entries()) {
    const id = (await rt.http.post('/v1/documents').set(bearer(admin)).send({ kind: 'comment', source, externalId: `cli-rl-${i}`, text }).expect(202)).body.id as string;
    await waitForStatus(rt, id, admin);
  }
  jobs.manual = (await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({ channel: 'app' }).expect(202)).body.id;
  await waitJob(jobs.manual);
  jobs.lexicon = (await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({ reason: 'lexicon' }).expect(202)).body.id;
  await waitJob(jobs.lexicon);
  server = await listenOnLoopback(rt);
  url = server.url;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rt?.close();
});

function runCli(args: string[], key = admin): Promise<CliResult> {
  return runBuiltCli(args, { env: { GUANDIAN_URL: url, GUANDIAN_KEY: key }, timeoutMs: 30_000 });
}

const cells = (line: string) => line.trim().split(/\s{2,}/);

describe('guandian retag list', () => {
  test('a table of the tenant\'s jobs, newest first: status, progress, failures, start, key, reason, filter', async () => {
    const r = await runCli(['retag', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(cells(lines[0]!)).toEqual(['id', 'status', 'done', 'failed', 'started (UTC)', 'by', 'reason', 'filter']);
    expect(lines).toHaveLength(3);
    expect(cells(lines[1]!)).toEqual([jobs.lexicon, 'done', '2/2', '0', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), adminId, 'lexicon', 'all']);
    expect(cells(lines[2]!)).toEqual([jobs.manual, 'done', '1/1', '0', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), adminId, 'manual', 'channel=app']);
    expect(r.stderr).toBe('');
  });

  test('--json prints the server\'s page as one line', async () => {
    const r = await runCli(['retag', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const api = await rt.http.get('/v1/retag-jobs').set(bearer(admin)).expect(200);
    expect(JSON.parse(r.stdout)).toEqual(api.body);
  });

  test('--limit pages, and stderr gives the command for the next page; --status filters', async () => {
    const first = await runCli(['retag', 'list', '--limit', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trimEnd().split('\n').slice(1).map((l) => cells(l)[0])).toEqual([jobs.lexicon]);
    expect(first.stderr.trim()).toBe(`more jobs: guandian retag list --cursor ${jobs.lexicon} --limit 1`);
    const second = await runCli(['retag', 'list', '--cursor', jobs.lexicon, '--limit', '1']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trimEnd().split('\n').slice(1).map((l) => cells(l)[0])).toEqual([jobs.manual]);
    expect(second.stderr).toBe('');

    const running = await runCli(['retag', 'list', '--status', 'running']);
    expect(running.code, running.stderr).toBe(0);
    expect(running.stdout.trim()).toBe('no re-tag jobs match');
    const done = await runCli(['retag', 'list', '--status', 'done', '--json']);
    expect((JSON.parse(done.stdout) as { items: { id: string }[] }).items.map((j) => j.id)).toEqual([jobs.lexicon, jobs.manual]);
  });

  test('a key without the admin role exits 1 saying so; bad options exit 2', async () => {
    const denied = await runCli(['retag', 'list'], analyst);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('admin');

    for (const [args, message] of [
      [['--status', 'failed'], '--status must be running, done or cancelled'],
      [['--limit', '0'], '--limit must be a whole number from 1 to 1000'],
      [['--cursor', 'zzz'], 'cursor is not valid'],
      [['extra'], 'unexpected argument "extra"'],
    ] as const) {
      const r = await runCli(['retag', 'list', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  test('"retag" alone still starts a job; "retag list --help" and "help retag list" print its usage', async () => {
    const help = await runCli(['retag', 'list', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: guandian retag list\b/);
    expect((await runCli(['help', 'retag', 'list'])).stdout).toBe(help.stdout);
    expect((await runCli(['retag', '--help'])).stdout).toMatch(/^Usage: guandian retag \[--channel/);

    const started = await runCli(['retag', '--channel', 'web', '--detach']);
    expect(started.code, started.stderr).toBe(0);
    const id = started.stdout.trim();
    await waitJob(id);
    const listed = await runCli(['retag', 'list', '--limit', '1']);
    expect(cells(listed.stdout.trimEnd().split('\n')[1]!)).toEqual([id, 'done', '1/1', '0', expect.any(String), adminId, 'manual', 'channel=web']);
  });
});

describe('guandian retag cancel', () => {
  test('stops a running job: prints what was re-tagged before it; the job lists as cancelled; again is harmless, a done job exits 1', async () => {
    // A running job as the store holds it while its marker works: two documents queued under it, not yet
    // taken by a worker (their lease holds the reconciler off), the marker's claim live.
    const ids: string[] = [];
    for (const [i, text] of ['信号太差', '资费太贵了'].entries()) {
      const id = (await rt.http.post('/v1/documents').set(bearer(admin)).send({ kind: 'comment', source: 'cancel', externalId: `cli-rc-${i}`, text }).expect(202)).body.id as string;
      await waitForStatus(rt, id, admin);
      ids.push(id);
    }
    const jobId = ulid();
    await rt.services.store.documents.updateWhere({ _id: { $in: ids } }, { $set: { status: 'queued', retagJobId: jobId, leaseUntil: new Date(Date.now() + 3_600_000) }, $inc: { generation: 1 } });
    await rt.services.store.retagJobs.insert({
      _id: jobId, tenant: 'cli-rl', filter: { channel: 'cancel' }, total: 2, createdBy: adminId, createdAt: new Date(), reason: { kind: 'manual' }, marking: { after: '', until: new Date(Date.now() + 3_600_000) },
    });
    const running = await runCli(['retag', 'list', '--status', 'running']);
    expect(running.stdout.trimEnd().split('\n').slice(1).map((l) => cells(l)[0])).toEqual([jobId]);

    const r = await runCli(['retag', 'cancel', jobId]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`retag job ${jobId} cancelled: 0/2 documents re-tagged before the cancel; the rest keep their tags`);
    for (const id of ids) expect(await rt.services.store.documents.findById(id)).toMatchObject({ status: 'done', retagJobId: null });
    const listed = await runCli(['retag', 'list', '--status', 'cancelled']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(cells(listed.stdout.trimEnd().split('\n')[1]!)).toEqual([jobId, 'cancelled', '0/2', '0', expect.any(String), adminId, 'manual', 'channel=cancel']);
    expect(listed.stdout.trimEnd().split('\n')).toHaveLength(2);

    const again = await runCli(['retag', 'cancel', jobId]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(r.stdout);

    const done = await runCli(['retag', 'cancel', jobs.manual]);
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('done');
    const unknown = await runCli(['retag', 'cancel', ulid()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not found');
    expect((await runCli(['retag', 'cancel'])).code).toBe(2);
    expect((await runCli(['retag', 'cancel', '--help'])).stdout).toMatch(/^Usage: guandian retag cancel ID/);
  });

  test('"guandian retag" following a job that is cancelled meanwhile stops and exits 1 saying so', async () => {
    const id = (await rt.http.post('/v1/documents').set(bearer(admin)).send({ kind: 'comment', source: 'follow', externalId: 'cli-follow-0', text: '客服态度很差' }).expect(202)).body.id as string;
    await waitForStatus(rt, id, admin);
    // the worker holds the re-tagged document until the job is cancelled, so the job is still running then
    const { release: resume } = holdRetagWrite(rt, id);
    const following = runCli(['retag', '--channel', 'follow', '--interval', '100']);
    let jobId: string | undefined;
    for (let i = 0; i < 200 && !jobId; i++) {
      const page = (await rt.http.get('/v1/retag-jobs?status=running').set(bearer(admin)).expect(200)).body as { items: { id: string; filter: { channel?: string } }[] };
      jobId = page.items.find((j) => j.filter.channel === 'follow')?.id;
      if (!jobId) await new Promise((r) => setTimeout(r, 50));
    }
    expect(jobId).toBeDefined();
    await rt.http.post(`/v1/retag-jobs/${jobId}/cancel`).set(bearer(admin)).expect(200);
    resume();
    const r = await following;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`retag job ${jobId} was cancelled after 0/1 documents`);
    expect(r.stdout).toBe('');
  });
});
