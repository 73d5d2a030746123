import { afterAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, restartableData, waitForStatus } from '../helpers/runtime.js';
import { startWorker } from '../../src/runtime.js';

// A failed training job says why with a stable code (errorCode) beside its English text (error), so that the
// console words it in the admin's language. The failure here is a real one: training is requested on a
// process without a worker (ROLE=api), the only correction is reverted before a worker starts, and the worker
// then finds nothing to learn from.

const data = restartableData();
afterAll(() => data.cleanup());

test('a job whose corrections were reverted before it ran fails with errorCode nothing_to_learn, the English text kept', async () => {
  const first = await data.start();
  const ingest = await createKey(first, ['ingest']);
  const id = (await first.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'c-1', text: '这网速真是绝了' }).expect(202)).body.id as string;
  const doc = await waitForStatus(first, id);
  const tag = doc.tags.find((t: { opinion: string }) => t.opinion.includes('绝了'));
  expect(tag).toBeDefined();
  await first.http.post(`/v1/documents/${id}/corrections`).set(bearer(ADMIN_KEY)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
  await data.stop(first);

  // An API process: the job stays queued, with no worker to run it.
  const api = await data.start({ worker: false });
  const queued = (await api.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({}).expect(202)).body;
  expect(queued).toMatchObject({ status: 'queued' });
  const waiting = (await api.http.get(`/v1/models/jobs/${encodeURIComponent(queued.id as string)}`).set(bearer(ADMIN_KEY)).expect(200)).body;
  expect(waiting).toMatchObject({ status: 'queued', workers: 0, error: null, errorCode: null });
  await api.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(ADMIN_KEY)).send({ tagId: tag.id }).expect(200);

  await startWorker(api.services);
  let job: Record<string, unknown> = {};
  for (let i = 0; i < 600 && job.status !== 'done' && job.status !== 'failed'; i++) {
    job = (await api.http.get(`/v1/models/jobs/${encodeURIComponent(queued.id as string)}`).set(bearer(ADMIN_KEY)).expect(200)).body;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(job).toMatchObject({ status: 'failed', phase: 'failed', version: null, errorCode: 'nothing_to_learn' });
  expect(job.error).toMatch(/^no corrections to learn from yet/);
  // no version came of it
  expect((await api.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body).toMatchObject({ versions: [], training: [] });
}, 120_000);
