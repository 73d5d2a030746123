import fs from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { startWorker } from '../../src/runtime.js';

// A worker that dies mid-training leaves its job "running" in the store (the in-process queue forgets
// it). The next worker start must pick it up and finish it, producing the version exactly once.

const open: TestRuntime[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const rt of open) await rt.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('a training job interrupted by a crash is finished by the next worker', async () => {
  const first = await startRuntime({}, { keepData: true });
  open.push(first);
  dirs.push(first.dataDir);
  const ingest = await createKey(first, ['ingest']);
  for (const [i, text] of ['这网速真是绝了', '信号真是绝了，只有一格', '宽带真是绝了，天天断', '客服真是绝了，永远占线', '账单真是绝了，看不懂'].entries()) {
    const id = (await first.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: `c-${i}`, text }).expect(202)).body.id;
    const doc = await waitForStatus(first, id);
    const tag = doc.tags.find((t: { opinion: string }) => t.opinion.includes('绝了'));
    await first.http.post(`/v1/documents/${id}/corrections`).set(bearer(ADMIN_KEY)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
  }
  const base = (await first.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body.base as string;
  await first.close();
  open.pop();

  // What the crash left behind: the job claimed and part-way through.
  const second = await startRuntime({}, { worker: false, dataDir: first.dataDir, keepData: true });
  open.push(second);
  const now = new Date();
  await second.services.store.modelJobs.insert({
    _id: 'default:r1',
    tenant: 'default',
    version: `${base}+r1`,
    status: 'running',
    phase: 'cross-validate',
    percent: 40,
    error: null,
    requestedBy: 'bootstrap',
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
  });
  // The list shows it as training (the Models page follows it from there), with no worker to run it yet.
  const waiting = (await second.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
  expect(waiting).toMatchObject({ workers: 0, versions: [], training: [{ id: 'default:r1', status: 'running', phase: 'cross-validate', percent: 40, version: `${base}+r1` }] });
  await startWorker(second.services);
  let job: Record<string, unknown> = {};
  for (let i = 0; i < 600 && job.status !== 'done' && job.status !== 'failed'; i++) {
    job = (await second.http.get('/v1/models/jobs/default:r1').set(bearer(ADMIN_KEY)).expect(200)).body;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(job).toMatchObject({ status: 'done', percent: 100, version: `${base}+r1` });
  const list = (await second.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
  expect(list.versions.map((v: { version: string }) => v.version)).toEqual([`${base}+r1`]);
  expect(list.versions[0].counts.corrections).toBe(5);
  expect(list.training).toEqual([]);
  // The next request gets the next number.
  const next = await second.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({}).expect(202);
  expect(next.body.version).toBe(`${base}+r2`);
}, 120_000);
