import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterAll, describe, expect, test } from 'vitest';
import { startService, type ServiceProcess } from '../helpers/process.js';

// The real service as a process: killed with SIGKILL in the middle of its queue, then started again
// on the same data directory. Every accepted document must end done, with no duplicate tags.

const ADMIN = 'restart-test-admin-key-0123456789';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-restart-'));
const env = { DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN, WORKER_CONCURRENCY: '2' };
const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
let svc: ServiceProcess | null = null;

afterAll(() => {
  svc?.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const TEXTS = [
  '网络很顺畅，但是App老是闪退',
  '客服态度很好，问题很快就解决了',
  '外卖送得太慢了，菜都凉了',
  '手续费太贵了，而且到账速度很慢',
  '酒店房间很干净，就是隔音不太好',
  '信号一直很差，打电话总是断线',
];

async function api(url: string, method: string, p: string, body?: unknown) {
  const res = await fetch(url + p, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

async function allDocs(url: string, status?: string): Promise<{ id: string; status: string }[]> {
  const out: { id: string; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '1000', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const res = await api(url, 'GET', `/v1/documents?${q}`);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe('crash and restart', () => {
  test('SIGKILL mid-queue, restart: every accepted document ends done exactly once, no duplicate tags', async () => {
    svc = await startService(env);
    const accepted: string[] = [];
    for (let b = 0; b < 4; b++) {
      const documents = Array.from({ length: 250 }, (_, i) => ({
        kind: 'comment',
        source: 'app-review',
        externalId: `r-${b}-${i}`,
        text: `${TEXTS[(b * 250 + i) % TEXTS.length]}（第${b * 250 + i}条）`,
      }));
      const res = await api(svc.url, 'POST', '/v1/documents/batch', { documents });
      expect(res.status).toBe(207);
      for (const item of res.body.items) if (item.status === 'accepted') accepted.push(item.id);
    }
    expect(accepted).toHaveLength(1000);
    const doneBeforeKill = (await allDocs(svc.url, 'done')).length;
    svc.child.kill('SIGKILL');
    await svc.exited;
    // The kill must have landed mid-queue for this test to mean anything.
    expect(doneBeforeKill).toBeLessThan(1000);

    svc = await startService(env);
    const deadline = Date.now() + 120_000;
    let docs = await allDocs(svc.url);
    while (docs.some((d) => d.status !== 'done') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      docs = await allDocs(svc.url);
    }
    expect(docs).toHaveLength(1000);
    expect(new Set(docs.map((d) => d.id))).toEqual(new Set(accepted));
    expect(docs.filter((d) => d.status !== 'done')).toEqual([]);

    // No duplicate tags: within a document no two tags share span, turn and aspect.
    const tagKeys = new Set<string>();
    let cursor: string | null = null;
    let tags = 0;
    do {
      const q = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) });
      const res = await api(svc.url, 'GET', `/v1/tags?${q}`);
      for (const t of res.body.items) {
        const key = `${t.documentId}|${t.turnIndex ?? ''}|${t.span.start}|${t.span.end}|${t.aspect ?? ''}`;
        expect(tagKeys.has(key), key).toBe(false);
        tagKeys.add(key);
        tags++;
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(tags).toBeGreaterThanOrEqual(1000);
    svc.child.kill('SIGTERM');
    await svc.exited;
    svc = null;
  }, 240_000);

  test('SIGTERM drains in-flight work and exits 0; a restart finishes the rest', async () => {
    svc = await startService(env);
    const documents = Array.from({ length: 200 }, (_, i) => ({ kind: 'comment', source: 'app-review', externalId: `t-${i}`, text: TEXTS[i % TEXTS.length]! }));
    const res = await api(svc.url, 'POST', '/v1/documents/batch', { documents });
    expect(res.body.items.every((i: { status: string }) => i.status === 'accepted')).toBe(true);
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
    svc = await startService(env);
    const deadline = Date.now() + 60_000;
    let pending = 1;
    while (pending > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      pending = (await allDocs(svc.url)).filter((d) => d.status !== 'done').length;
    }
    expect(pending).toBe(0);
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
    svc = null;
  }, 120_000);

  test('SIGTERM under steady keep-alive traffic still drains and exits 0', async () => {
    svc = await startService(env);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    let stop = false;
    let served = 0;
    const loop = async () => {
      while (!stop) {
        await new Promise<void>((resolve) => {
          const req = http.request(`${svc!.url}/v1/me`, { agent, headers: { authorization: `Bearer ${ADMIN}` } }, (res) => {
            res.resume();
            res.on('end', () => {
              served++;
              resolve();
            });
          });
          req.on('error', () => setTimeout(resolve, 20));
          req.end();
        });
      }
    };
    const loops = [loop(), loop(), loop()];
    while (served < 50) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    svc.child.kill('SIGTERM');
    const code = await svc.exited;
    stop = true;
    await Promise.all(loops);
    agent.destroy();
    expect(code).toBe(0);
    // Well inside the force timer: the drain did not wait for clients to go away.
    expect(Date.now() - started).toBeLessThan(20_000);
    svc = null;
  }, 120_000);
});
