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

// Intensity adverbs make labels needlessly distinct (网络很顺畅 vs 网络非常顺畅); negation is kept.
const LABEL_DEGREE = /^(非常|特别|十分|相当|超级|真的|真是|实在|比较|挺|很|蛮|太|超|真|好|巨|贼)(?!了)/;

/** Display label, e.g. `正向评价: 网络顺畅` / `负向评价: 系统卡`; the aspect is omitted when implicit. */
export function tagLabel(polarity: Polarity, aspect: string | null, opinion: string): string {
  const stripped = opinion.replace(LABEL_DEGREE, '');
  // One character after one character reads as a new word: 网 + 卡 is 网卡 (a network card), not 网很卡.
  const fused = stripped.length === 1 && aspect !== null && aspect.length === 1;
  const core = stripped.length >= 1 && !fused && !/^[了的啊吧]/.test(stripped) ? stripped : opinion;
  return `${POLARITY_ZH[polarity]}: ${aspect ?? ''}${core}`;
}
