import type { DocumentRecord } from '../store/records.js';

/**
 * The customer's own words. Agent turns are left out of transcripts: an agent asking "您要投诉吗？"
 * is not an escalation. Comments prefer the normalized text (full-width and 繁体 folded) so that a
 * keyword list written in simplified Chinese still matches.
 */
export function customerText(doc: Pick<DocumentRecord, 'kind' | 'text' | 'turns' | 'normalizedText'>): string {
  if (doc.turns && doc.turns.length > 0) {
    return doc.turns
      .filter((t) => t.speaker === 'customer')
      .map((t) => t.text)
      .join('\n');
  }
  return `${doc.normalizedText ?? ''}\n${doc.text ?? ''}`;
}

export function findWords(text: string, words: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return [...new Set(words.filter((w) => w.length > 0 && lower.includes(w.toLowerCase())))];
}
