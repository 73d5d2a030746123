import type { CategoryId, Polarity } from './types.js';
import { loadTaxonomy as loadFull } from './lexicon.js';

export interface CategoryLabel {
  id: CategoryId;
  zh: string;
  en: string;
}

/** Category labels for the API (GET /v1/taxonomy); the aspect lists stay private to the analyzer. */
export function loadTaxonomy(lexiconDir: string): { version: string; categories: CategoryLabel[] } {
  const t = loadFull(lexiconDir);
  return { version: t.version, categories: t.categories.map(({ id, zh, en }) => ({ id, zh, en })) };
}

const POLARITY_ZH: Record<Polarity, string> = { positive: '正向评价', negative: '负向评价', neutral: '中性评价' };

/** Display label, e.g. `负向评价: 系统卡`; the aspect is omitted when implicit. */
export function tagLabel(polarity: Polarity, aspect: string | null, opinion: string): string {
  return `${POLARITY_ZH[polarity]}: ${aspect ?? ''}${opinion}`;
}
