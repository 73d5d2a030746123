import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer } from '../nlp/analyzer.js';
import type { ClauseClassifier } from '../nlp/types.js';
import type { AnalyzerThreadOptions, ThreadRequest, ThreadResponse } from './analyzer-pool.js';

const options = workerData as AnalyzerThreadOptions;
const port = parentPort!;
const send = (msg: ThreadResponse) => port.postMessage(msg);

try {
  // TEMPORARY until src/nlp/model lands: load the model client when present.
  const modelModule = '../nlp/model/index.js';
  const classifier: ClauseClassifier | null = await import(modelModule).then(
    (m: { createModelClassifier: (dir: string) => Promise<ClauseClassifier | null> }) => m.createModelClassifier(options.modelDir),
    () => null,
  );
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
