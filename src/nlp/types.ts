import type { HeadWeights } from './model/head.js';

// The contract between the service spine (API, queue, store) and the NLP pipeline.
// The spine only ever calls `Analyzer.analyze` (inside a worker thread) and `maskPii`
// (on the ingest path, before anything is stored); everything else in src/nlp is private to it.

/** survey = the open answer of a survey (text) next to an NPS or CSAT score; analyzed like a comment. */
export type DocumentKind = 'comment' | 'transcript' | 'social' | 'survey';
export type Speaker = 'customer' | 'agent' | 'system';
export type Polarity = 'positive' | 'negative' | 'neutral';
export type DocSentiment = 'positive' | 'negative' | 'mixed' | 'neutral';

/** The 15 CX taxonomy ids (see lexicons/taxonomy.yaml and ../shared/data/README.md). */
export const CATEGORY_IDS = [
  'price',
  'quality',
  'service_attitude',
  'efficiency',
  'resolution',
  'logistics',
  'network',
  'app_experience',
  'account_security',
  'marketing',
  'after_sales',
  'taste',
  'environment',
  'policy',
  'other',
] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export interface Turn {
  speaker: Speaker;
  text: string;
  startMs?: number;
  endMs?: number;
}

/** What the analyzer reads: the stored (already PII-masked) content of one document. */
export interface AnalyzeInput {
  kind: DocumentKind;
  /** comment / social / survey */
  text?: string;
  /** transcript */
  turns?: Turn[];
}

export interface Span {
  /** UTF-16 code-unit offsets, end exclusive. */
  start: number;
  end: number;
}

/**
 * One opinion found in a document.
 * `span` points into the stored text the caller passed in: into `text` for comments and social posts,
 * into `turns[turnIndex].text` for transcripts. It covers the opinion phrase, or aspect+opinion when
 * they are adjacent; `aspectSpan`/`opinionSpan` give each part where known.
 */
export interface ExtractedTag {
  aspect: string | null;
  opinion: string;
  polarity: Polarity;
  category: CategoryId;
  span: Span;
  aspectSpan?: Span | null;
  opinionSpan?: Span;
  /** The clause the opinion was found in, as stored (not normalized). */
  sentence: string;
  turnIndex?: number;
  /**
   * What the tag aggregates under: the taxonomy's canonical aspect (卡顿/很卡/系统卡 → one bucket) for
   * explicit aspects found in lexicons/taxonomy.yaml and for implicit ones (太贵了 → 价格), else the
   * aspect's normalized text (simplified, half-width, lower-case); null for an implicit aspect the
   * taxonomy does not know.
   */
  canonicalAspect?: string | null;
  /** Calibrated probability that the tag (pair + polarity) is right, 0..1. */
  confidence: number;
  source: 'model' | 'rule';
}

export interface AnalyzeResult {
  /** Normalized text (full→half width, traditional→simplified, whitespace folded); for transcripts the customer turns joined by "\n". */
  normalizedText: string;
  tags: ExtractedTag[];
  sentiment: DocSentiment;
  /** e.g. "lexicon-2026.11.28" or the model card's version; recorded on every tag. */
  modelVersion: string;
  /**
   * lexicons/VERSION the rules ran with: half of what decides a tag, next to the model version (a tenant's
   * own additions, PUT /v1/taxonomy, are not part of it). Recorded on the document.
   */
  lexiconVersion: string;
}

/** Per-tenant overrides of the taxonomy and lexicons (PUT /v1/taxonomy), applied without restart. */
export interface LexiconOverrides {
  /** extra aspect terms: term → category */
  aspects?: Record<string, CategoryId>;
  /** extra sentiment words: word → polarity strength in [-2, 2] */
  sentiment?: Record<string, number>;
}

export interface Analyzer {
  /** With `head`, the tenant's promoted retrained version is used and named in `modelVersion`. */
  analyze(input: AnalyzeInput, overrides?: LexiconOverrides, head?: HeadWeights | null): Promise<AnalyzeResult>;
  /** What is loaded: "model" when the trained transformer is in use, "lexicon" for the fallback scorer. */
  readonly mode: 'model' | 'lexicon';
  readonly modelVersion: string;
  readonly lexiconVersion: string;
}

/** Sentence/clause-level classifier behind the analyzer: the trained transformer or the lexicon fallback. */
export interface ClauseClassifier {
  readonly version: string;
  readonly kind: 'model' | 'lexicon';
  /** `head`: a tenant's retrained head (src/nlp/model/head.ts) applied over the base model; ignored without a model. */
  classify(clauses: string[], head?: HeadWeights | null): Promise<ClauseClassification[]>;
}

export interface ClauseClassification {
  /** Probabilities over [negative, neutral, positive]; neutral may be 0 when the model has no neutral class. */
  sentiment: { negative: number; neutral: number; positive: number };
  /** Probability per category id; may be empty when the classifier has no category head. */
  category: Partial<Record<CategoryId, number>>;
  /** Set by a retrained head (src/nlp/model/head.ts) where it changed the base model's decision. */
  adjusted?: { sentiment: boolean; category: boolean };
}

export type PiiType = 'phone' | 'landline' | 'id_card' | 'bank_card' | 'email';
export type PiiPolicy = 'mask' | 'hash' | 'keep';

export interface PiiEntity {
  type: PiiType;
  start: number;
  end: number;
}
