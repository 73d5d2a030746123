import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer } from '../nlp/analyzer.js';
import { createModelClassifier } from '../nlp/model/index.js';
import { deserializeHead, headKey, type HeadWeights } from '../nlp/model/head.js';
import { shareNativeGuard } from '../nlp/model/native-guard.js';
import { HEADS_PER_THREAD, type AnalyzerThreadData, type ThreadMessage, type ThreadResponse } from './analyzer-pool.js';

const options = workerData as AnalyzerThreadData;
// before any model loads: the pool must never terminate this thread inside an onnxruntime call
shareNativeGuard(new Int32Array(options.guard));
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
  const heads = new Map<string, HeadWeights>();
  port.on('message', (req: ThreadMessage) => {
    if ('type' in req) {
      heads.set(headKey(req.head), deserializeHead(req.head));
      if (heads.size > HEADS_PER_THREAD) heads.delete(heads.keys().next().value!);
      return;
    }
    const head = req.head ? heads.get(req.head) : null;
    if (req.head && !head) {
      send({ id: req.id, ok: false, message: `model head ${req.head} was not delivered to this thread` });
      return;
    }
    analyzer.analyze(req.input, req.overrides, head).then(
      (result) => send({ id: req.id, ok: true, result }),
      (err: unknown) => send({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
  });
  send({ type: 'ready', mode: analyzer.mode, modelVersion: analyzer.modelVersion, lexiconVersion: analyzer.lexiconVersion });
} catch (err) {
  send({ type: 'init-error', message: err instanceof Error ? err.message : String(err) });
}
