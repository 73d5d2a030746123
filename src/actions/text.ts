import type { DocumentRecord } from '../store/records.js';
import { customerParts } from '../nlp/customer-parts.js';

/**
 * The customer's own words, as the analyzer reads them (customer-parts.ts): an agent asking "您要投诉吗？"
 * or a merchant reply promising "退款" is not an escalation. The normalized text (full-width and 繁体
 * folded, already customer-only) comes first so that a keyword list written in simplified Chinese still
 * matches; the stored customer parts follow for keywords written as the customer wrote them.
 */
export function customerText(doc: Pick<DocumentRecord, 'kind' | 'text' | 'turns' | 'normalizedText'>): string {
  const own = customerParts({ kind: doc.kind, ...(doc.text !== null ? { text: doc.text } : {}), ...(doc.turns ? { turns: doc.turns } : {}) })
    .map((p) => p.text)
    .join('\n');
  return doc.turns && doc.turns.length > 0 ? own : `${doc.normalizedText ?? ''}\n${own}`;
}

export function findWords(text: string, words: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return [...new Set(words.filter((w) => w.length > 0 && lower.includes(w.toLowerCase())))];
}
