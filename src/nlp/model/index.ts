export { createModelClassifier, resolveModelDir, ModelClassifier, type ModelClassifierOptions } from './classifier.js';
export { CharTokenizer, normalizeForModel, modelChars } from './tokenizer.js';

/** Where the service looks when MODEL_DIR is unset: a pointer file naming the shipped folder. */
export const DEFAULT_MODEL_DIR = 'models/current';
