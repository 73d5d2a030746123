import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer } from '../nlp/analyzer.js';
import { createModelClassifier } from '../nlp/model/index.js';
import type { AnalyzerThreadOptions, ThreadRequest, ThreadResponse } from './analyzer-pool.js';

const options = workerData as AnalyzerThreadOptions;
const port = parentPort!;
const send = (msg: ThreadResponse) => port.postMessage(msg);

try {
  // null when MODEL_DIR holds no model: the analyzer then runs on its lexicon scorer (and says so).
  const classifier = await createModelClassifier(options.modelDir);
  const analyzer = await createAnalyzer({
    lexiconDir: options.lexiconDir,
    modelDir: options.modelDir,
    ...(classifier ? { classifier } : {}),
  });
  port.on('message', (req: ThreadRequest) => {
    analyzer.analyze(req.input, req.overrides).then(
      (result) => send({ id: req.id, ok: true, result }),
      (err: unknown) => send({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  send({ type: 'ready', mode: analyzer.mode, modelVersion: analyzer.modelVersion });
} catch (err) {
  send({ type: 'init-error', message: err instanceof Error ? err.message : String(err) });
}
