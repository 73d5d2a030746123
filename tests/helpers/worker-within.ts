import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/**
 * Analyzes `texts` (comments) with the built analyzer (dist/, as the service's analyzer threads run it, lexicon rules
 * only) in a worker thread: 'done', or 'stalled' when they have not all finished within `ms`.
 */
export async function analyzeAllWithin(texts: string[], lexiconDir: string, ms: number): Promise<string> {
  const analyzerJs = pathToFileURL(resolve(import.meta.dirname, '../../dist/nlp/analyzer.js')).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.analyzerJs).then(async ({ createAnalyzer }) => {
      const an = await createAnalyzer({ lexiconDir: workerData.lexiconDir });
      for (const text of workerData.texts) await an.analyze({ kind: 'comment', text });
      parentPort.postMessage('done');
    }, (e) => parentPort.postMessage(String(e)));`;
  return answerWithin(code, { analyzerJs, lexiconDir, texts }, ms);
}
