import { Worker } from 'node:worker_threads';

/**
 * Runs `code` (CommonJS, eval'd) in a worker thread and returns the first message it posts, or 'stalled' if it
 * has posted none within `ms`; the worker is terminated either way. A regex or a loop that backtracks runs
 * synchronously, so a test's own timer cannot stop it: a worker that can be terminated can.
 */
export async function answerWithin(code: string, workerData: unknown, ms: number): Promise<string> {
  const worker = new Worker(code, { eval: true, workerData });
  const outcome = await new Promise<string>((done) => {
    const timer = setTimeout(() => done('stalled'), ms);
    worker.once('message', (m) => {
      clearTimeout(timer);
      done(String(m));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      done(String(e));
    });
  });
  await worker.terminate();
  return outcome;
}
