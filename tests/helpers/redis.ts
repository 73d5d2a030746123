import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

// Tests use a real Redis: REDIS_URL if set, else 127.0.0.1:6379; if nothing answers and
// redis-server is installed, a private one is started on a free port for this test file.

let privateServer: ChildProcess | null = null;

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function redisUrl(): Promise<string> {
  const candidate = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await answers(candidate)) return candidate;
  if (spawnSync('which', ['redis-server']).status !== 0) {
    throw new Error(`no Redis answers at ${candidate} and redis-server is not installed (apt-get install redis-server)`);
  }
  const port = await freePort();
  privateServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('private redis-server did not start');
}

export function stopPrivateRedis(): void {
  privateServer?.kill();
  privateServer = null;
}

/** Deletes every key under a test's queue prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
