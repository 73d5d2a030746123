import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { DocumentRecord } from '../../src/store/records.js';
import { startService, type ServiceProcess } from '../helpers/process.js';
import { startRuntime, type TestRuntime } from '../helpers/runtime.js';

// API/services audit (helper C) 2026-12-01, gap 4: a re-tag cancel hands documents back in batches, and for
// each batch wrote the documents, then added the batch to the job's `released` count. A process killed
// between the two left the batch handed back and never counted; the next process finishing the release
// found those documents no longer under the job and did not count them either, so the cancelled job
// reported them re-tagged (`done` = total − pending − released).
//
// The kill is a real one, at that exact line: the built service runs as a child process with a preload
// that sets a conditional breakpoint (node:inspector) on the first `retagJobs.released(` call of
// dist/services/retag-service.js, whose condition SIGKILLs the process. A second runtime on the same
// DATA_DIR then finishes the release, as a restarted service's reconciler does.

const ADMIN = 'qa-c-audit-admin-key-0123456789';
const TENANT = 'default';
const N = 1500;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-audit-c-cancel-'));
const preload = path.join(dataDir, '..', `${path.basename(dataDir)}-kill.mjs`);
let svc: ServiceProcess | null = null;
let rt: TestRuntime | null = null;

afterAll(async () => {
  svc?.child.kill('SIGKILL');
  await rt?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(preload, { force: true });
});

const at = new Date(Date.UTC(2026, 10, 20, 2));
const TEXTS = ['话费莫名其妙多扣了二十块', '宽带晚上总是断线，客服电话打不通', '营业厅排队两个小时，服务态度还很差'];
function doc(n: number): DocumentRecord {
  const text = TEXTS[n % TEXTS.length]!;
  return {
    _id: `01JQACCANCEL${String(n).padStart(14, '0')}`, tenant: TENANT, kind: 'comment', source: 'app', externalId: `qa-c-${n}`, text,
    turns: null, customerId: null, occurredAt: null, at, metadata: null, contentHash: `qa-c-h${n}`, status: 'done', error: null, attempts: 1,
    generation: 0, leaseUntil: null, normalizedText: text, sentiment: 'negative', modelVersion: 'm-old', reviewed: false,
    minConfidence: 0.9, tagCount: 1, suppressed: [], createdAt: at, updatedAt: at, processedAt: at,
  };
}

const KILL_PRELOAD = `
import fs from 'node:fs';
import inspector from 'node:inspector';
import { pathToFileURL } from 'node:url';
const file = process.env.QA_KILL_FILE;
const line = fs.readFileSync(file, 'utf8').split('\\n').findIndex((l) => l.includes(process.env.QA_KILL_AT));
if (line < 0) throw new Error('kill line not found in ' + file);
const session = new inspector.Session();
session.connect();
session.post('Debugger.enable');
session.post('Debugger.setBreakpointByUrl', { lineNumber: line, url: pathToFileURL(file).href, condition: "process.kill(process.pid, 'SIGKILL')" }, (err) => {
  if (err) throw err;
});
`;

describe('a re-tag cancel whose process is killed between handing a batch back and counting it', () => {
  test('the release finished by the next process counts that batch: done is only what was re-tagged', async () => {
    // the documents, stored as a tagged tenant's are
    const seed = await startRuntime({}, { worker: false, dataDir, keepData: true });
    await seed.services.store.documents.insertMany(Array.from({ length: N }, (_, i) => doc(i)));
    await seed.close();

    fs.writeFileSync(preload, KILL_PRELOAD);
    const env = { DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN, LEASE_MS: '1500', WORKER_CONCURRENCY: '1' };
    svc = await startService(
      { ...env, QA_KILL_FILE: path.resolve(import.meta.dirname, '../../dist/services/retag-service.js'), QA_KILL_AT: 'this.store.retagJobs.released(' },
      60_000,
      ['--import', preload],
    );
    const auth = { Authorization: `Bearer ${ADMIN}` };
    const started = await fetch(`${svc.url}/v1/retag-jobs`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' });
    expect(started.status, await started.clone().text()).toBe(202);
    const jobId = ((await started.json()) as { id: string }).id;
    // the cancel's release dies at its first count
    await fetch(`${svc.url}/v1/retag-jobs/${jobId}/cancel`, { method: 'POST', headers: auth }).catch(() => null);
    expect(await svc.exited, svc.output()).toBeNull();
    svc = null;

    rt = await startRuntime({ GUANDIAN_ADMIN_KEY: ADMIN, LEASE_MS: '1500' }, { worker: false, dataDir, keepData: true });
    const store = rt.services.store;
    const job = (await store.retagJobs.findForTenant(TENANT, jobId))!;
    expect(job.total).toBe(N);
    expect(job.cancelled, 'the kill came before the cancel was stored').toBeDefined();
    // handed back by the killed process, and not counted
    const handedBack = await store.documents.countWhere({ tenant: TENANT, retagJobId: null, generation: 2 });
    expect(handedBack, 'the kill came before a batch was handed back').toBeGreaterThan(0);
    expect(job.cancelled!.released).toBe(0);

    // the restarted service's reconciler, once the dead process's claim on the release has run out
    let progress = await rt.services.retag.progress(TENANT, jobId);
    for (let i = 0; i < 100 && progress.status !== 'cancelled'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await rt.services.reconciler.runOnce();
      progress = await rt.services.retag.progress(TENANT, jobId);
    }
    expect(progress.status).toBe('cancelled');
    // what the job re-tagged: documents a worker finished under it (they keep its id); all others were handed back
    const retagged = await store.documents.countWhere({ tenant: TENANT, retagJobId: jobId, status: { $in: ['done', 'failed'] } });
    expect(await store.documents.countWhere({ tenant: TENANT, retagJobId: jobId, status: { $in: ['queued', 'processing'] } })).toBe(0);
    expect(progress).toMatchObject({ total: N, done: retagged });
    expect((await store.retagJobs.findForTenant(TENANT, jobId))!.cancelled!.released).toBe(N - retagged);
  }, 180_000);
});
