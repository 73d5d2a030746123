import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runServiceToExit, startService, type ServiceProcess } from '../helpers/process.js';

// A second service pointed at a running one's DATA_DIR must stop before it loads (and so rewrites) the
// data files: before the lock, it rewrote them under the first service, whose later writes went to an
// unlinked file and were gone after a crash.

const ADMIN = 'lock-test-admin-key-0123456789abcdef';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-lock-'));
const env = { DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN };
const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
let svc: ServiceProcess | null = null;

afterAll(() => {
  svc?.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('one service per embedded DATA_DIR', () => {
  test('a second service on the same DATA_DIR exits 1 naming it, and the first loses nothing', async () => {
    svc = await startService(env);
    const post = async (url: string, externalId: string) =>
      fetch(`${url}/v1/documents`, { method: 'POST', headers, body: JSON.stringify({ kind: 'comment', source: 'app', externalId, text: '网络很卡' }) });
    expect((await post(svc.url, 'before')).status).toBe(202);

    const second = await runServiceToExit({ ...env, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.output).toContain(`DATA_DIR ${dataDir} is in use by process ${svc.child.pid}`);
    // an operator's problem, said in one line: no stack trace
    expect(second.output).not.toMatch(/\n\s+at /);

    const after = await post(svc.url, 'after');
    expect(after.status).toBe(202);
    const { id } = (await after.json()) as { id: string };
    svc.child.kill('SIGKILL');
    await svc.exited;

    // the killed owner's lock is stale: a new service takes it over and finds the document
    svc = await startService(env);
    const res = await fetch(`${svc.url}/v1/documents/${id}`, { headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { externalId: string }).externalId).toBe('after');
  }, 120_000);
});
