import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { exited, log, sleep, spawn, track } from './children.js';

// A private redis-server: its own port and AOF directory, so a chaos run never touches the
// machine's Redis on 6379 and a restart replays exactly the file this run wrote. The settings are
// the ones docs/reliability.md asks of production: AOF fsync every second, and noeviction (an
// evicted job or lock is a silently lost or doubled job).

/** One RESP PING over a raw socket; true on +PONG. */
export function ping(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export class RedisServer {
  private child: ChildProcess | null = null;
  starts = 0;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static available(): boolean {
    return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  }

  async start(): Promise<void> {
    const logFile = fs.openSync(path.join(this.dir, 'redis.log'), 'a');
    this.child = track(
      spawn(
        'redis-server',
        [
          '--port', String(this.port),
          '--bind', '127.0.0.1',
          '--dir', this.dir,
          '--appendonly', 'yes',
          '--appendfsync', 'everysec',
          '--save', '',
          '--maxmemory-policy', 'noeviction',
          '--protected-mode', 'yes',
        ],
        { stdio: ['ignore', logFile, logFile] },
      ),
    );
    fs.closeSync(logFile);
    this.starts++;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`redis-server exited with ${this.child.exitCode}; see ${this.dir}/redis.log`);
      if (await ping(this.port)) return;
      await sleep(50);
    }
    throw new Error('redis-server did not answer PING within 15 s');
  }

  /** SIGTERM: Redis fsyncs the AOF and exits, which is the orderly restart an operator does. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited(child);
    clearTimeout(timer);
    this.child = null;
    log(`redis stopped (${signal})`);
  }
}
