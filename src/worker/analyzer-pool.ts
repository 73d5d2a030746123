import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AnalyzeInput, AnalyzeResult, LexiconOverrides } from '../nlp/types.js';
import { headKey, type SerializedHead } from '../nlp/model/head.js';
import { newNativeGuard, terminateWhenIdle } from '../nlp/model/native-guard.js';

// Segmentation and onnxruntime inference are CPU-bound and synchronous. They run in worker threads
// so the main thread — which renews BullMQ job locks and serves HTTP — never stalls behind them.

export interface AnalyzerThreadOptions {
  lexiconDir: string;
  modelDir: string;
}

/** What a thread is started with: its options and the guard it shares with the pool (native-guard.ts). */
export interface AnalyzerThreadData extends AnalyzerThreadOptions {
  guard: SharedArrayBuffer;
}

/**
 * How long a stop waits for the thread to leave an onnxruntime call before terminating it anyway: a call takes
 * milliseconds, so only a thread hung inside one waits this long.
 */
const STOP_WAIT_MS = 5_000;

/**
 * Retrained heads travel to a thread once (`head`) and are then named by key in requests. Pool
 * and thread both keep the last HEADS_PER_THREAD heads in arrival order, so they agree on what a
 * thread holds without a round trip.
 */
export const HEADS_PER_THREAD = 32;
export type ThreadRequest = { id: number; input: AnalyzeInput; overrides?: LexiconOverrides; head?: string };
export type ThreadMessage = ThreadRequest | { type: 'head'; head: SerializedHead };
export type ThreadResponse =
  | { type: 'ready'; mode: 'model' | 'lexicon'; modelVersion: string; lexiconVersion: string }
  | { type: 'init-error'; message: string }
  | { id: number; ok: true; result: AnalyzeResult }
  | { id: number; ok: false; message: string };

interface Slot {
  worker: Worker;
  heads: Set<string>;
  inflight: Map<number, { resolve: (r: AnalyzeResult) => void; reject: (e: Error) => void }>;
  /** when the thread last answered, or got work while idle: its current request started no later */
  progressAt: number;
  stalled: boolean;
  /** shared with the thread: onnxruntime calls under way, and the stop flag (native-guard.ts) */
  guard: Int32Array;
}

/**
 * A thread that has work but has not answered for this long is taken to be stuck on one document
 * (a 20,000-character post takes under a second): it is terminated, its requests fail and are retried
 * by the queue like any transient error, and a fresh thread replaces it. Without this a hung analysis
 * would hold its document in "processing" for good, its queue lock renewed by the healthy main thread.
 */
export const DEFAULT_STALL_MS = 60_000;

// Worker threads load plain JavaScript. Running from the compiled service that is the sibling
// file; running from sources (vitest) it is the build output, which `npm test` makes first.
function threadFile(): URL {
  const compiled = import.meta.url.endsWith('.ts')
    ? new URL('../../dist/worker/analyzer-thread.js', import.meta.url)
    : new URL('./analyzer-thread.js', import.meta.url);
  if (!fs.existsSync(compiled)) throw new Error(`analyzer thread not built (${compiled.pathname}); run npm run build`);
  return compiled;
}

/**
 * A thread could not load what MODEL_DIR or LEXICON_DIR holds (an unreadable model, a damaged lexicon): the
 * operator's folders, reported at start in one line. The main thread's stack says nothing about it; the
 * thread's own cause is in the message.
 */
export class AnalyzerStartError extends Error {
  override name = 'AnalyzerStartError';
}

export class AnalyzerPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private cursor = 0;
  private closed = false;
  private watchdog: NodeJS.Timeout | null = null;
  mode: 'model' | 'lexicon' = 'lexicon';
  modelVersion = '';
  lexiconVersion = '';
  /** see DEFAULT_STALL_MS */
  stallMs = DEFAULT_STALL_MS;

  private constructor(
    private readonly options: AnalyzerThreadOptions,
    private readonly size: number,
    private readonly logger: Logger,
    private metrics: Metrics | null,
  ) {}

  /** Where the pool's batch and latency figures go, for a pool started before the service's metrics existed. */
  reportTo(metrics: Metrics): void {
    this.metrics = metrics;
  }

  /** The service's threads: ANALYZER_THREADS of them over LEXICON_DIR and MODEL_DIR. */
  static forConfig(config: Pick<Config, 'lexiconDir' | 'modelDir' | 'analyzerThreads'>, logger: Logger, metrics: Metrics | null = null): Promise<AnalyzerPool> {
    return AnalyzerPool.start({ lexiconDir: config.lexiconDir, modelDir: config.modelDir }, config.analyzerThreads, logger, metrics);
  }

  static async start(options: AnalyzerThreadOptions, size: number, logger: Logger, metrics: Metrics | null = null): Promise<AnalyzerPool> {
    const pool = new AnalyzerPool(options, size, logger, metrics);
    await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    pool.watchdog = setInterval(() => pool.terminateStalled(), 1000);
    pool.watchdog.unref();
    if (pool.mode === 'lexicon') {
      logger.warn({ modelDir: options.modelDir }, 'NO MODEL LOADED: tagging with the lexicon scorer only (see /readyz)');
    }
    return pool;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const guard = newNativeGuard();
      const workerData: AnalyzerThreadData = { ...this.options, guard: guard.buffer as SharedArrayBuffer };
      const worker = new Worker(threadFile(), { workerData });
      const slot: Slot = { worker, heads: new Set(), inflight: new Map(), progressAt: Date.now(), stalled: false, guard };
      let ready = false;
      worker.on('message', (msg: ThreadResponse) => {
        if ('type' in msg) {
          if (msg.type === 'ready') {
            ready = true;
            this.mode = msg.mode;
            this.modelVersion = msg.modelVersion;
            this.lexiconVersion = msg.lexiconVersion;
            this.slots.push(slot);
            resolve();
          } else {
            reject(new AnalyzerStartError(`analyzer thread failed to start (MODEL_DIR ${this.options.modelDir}, LEXICON_DIR ${this.options.lexiconDir}): ${msg.message}`));
          }
          return;
        }
        slot.progressAt = Date.now();
        const pending = slot.inflight.get(msg.id);
        if (!pending) return;
        slot.inflight.delete(msg.id);
        if (msg.ok) pending.resolve(msg.result);
        else pending.reject(new Error(msg.message));
      });
      worker.on('error', (err) => {
        this.logger.error({ err: err.message }, 'analyzer thread crashed');
        if (!ready) reject(err);
      });
      worker.on('exit', (code) => {
        this.slots = this.slots.filter((s) => s !== slot);
        const why = slot.stalled ? `analyzer thread stalled (no answer in ${this.stallMs} ms) and was replaced` : `analyzer thread exited (${code})`;
        for (const pending of slot.inflight.values()) pending.reject(new Error(why));
        slot.inflight.clear();
        // A crashed thread is replaced so one poison document cannot take the pool down.
        if (ready && !this.closed) {
          this.spawn().catch((err: Error) => this.logger.error({ err: err.message }, 'analyzer thread respawn failed'));
        }
      });
    });
  }

  analyze(input: AnalyzeInput, overrides?: LexiconOverrides, head?: SerializedHead | null): Promise<AnalyzeResult> {
    // a stalled thread is being stopped: it gets no more work
    const live = this.slots.filter((s) => !s.stalled);
    if (live.length === 0) return Promise.reject(new Error('no analyzer thread available'));
    // Least-loaded thread, ties broken round-robin.
    let best = live[this.cursor++ % live.length]!;
    for (const slot of live) if (slot.inflight.size < best.inflight.size) best = slot;
    const id = this.nextId++;
    this.metrics?.analyzerBatch.observe(this.slots.reduce((n, s) => n + s.inflight.size, 0) + 1);
    const stopTimer = this.metrics?.analyzerLatency.startTimer();
    return new Promise<AnalyzeResult>((resolve, reject) => {
      if (best.inflight.size === 0) best.progressAt = Date.now();
      best.inflight.set(id, { resolve, reject });
      if (head && !best.heads.has(headKey(head))) {
        best.worker.postMessage({ type: 'head', head } satisfies ThreadMessage);
        best.heads.add(headKey(head));
        if (best.heads.size > HEADS_PER_THREAD) best.heads.delete(best.heads.values().next().value!);
      }
      const request: ThreadRequest = { id, input, ...(overrides ? { overrides } : {}), ...(head ? { head: headKey(head) } : {}) };
      best.worker.postMessage(request);
    }).finally(() => stopTimer?.());
  }

  /** Terminates threads that hold work without answering (the exit handler rejects and respawns). */
  terminateStalled(now = Date.now()): void {
    for (const slot of this.slots) {
      if (slot.stalled || slot.inflight.size === 0 || now - slot.progressAt < this.stallMs) continue;
      slot.stalled = true;
      this.logger.error({ inflight: slot.inflight.size, stallMs: this.stallMs }, 'analyzer thread stalled; terminating it');
      void this.stop(slot);
    }
  }

  /**
   * Terminates a thread, never in the middle of an onnxruntime call (that aborts the whole process): the thread is
   * told to start no new call, and terminated once the calls under way have returned (native-guard.ts).
   */
  private async stop(slot: Slot): Promise<void> {
    await terminateWhenIdle(slot.worker, slot.guard, STOP_WAIT_MS, () =>
      this.logger.error({ waitedMs: STOP_WAIT_MS }, 'analyzer thread still inside an onnxruntime call; terminating it anyway'),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all(this.slots.map((s) => this.stop(s)));
    this.slots = [];
  }
}
