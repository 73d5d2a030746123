import type { DocumentRecord, TagRecord } from '../store/records.js';
import { customerParts } from '../nlp/customer-parts.js';
import { termVariants } from '../nlp/script-variants.js';

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
  // The analyzer's normalized text is the customer's parts for every kind (a transcript's customer turns);
  // leaving it out for transcripts let 投訴 and １２３１５ in a call slip past keywords a comment matched.
  return `${doc.normalizedText ?? ''}\n${own}`;
}

// A word in every script, width and case (投诉 / 投訴, 12315 / １２３１５), lower-cased for a contains test.
const variantsOf = new Map<string, string[]>();
function lowerVariants(word: string): string[] {
  let v = variantsOf.get(word);
  if (!v) {
    v = [...new Set(termVariants(word).map((x) => x.toLowerCase()))].filter((x) => x.trim().length > 0);
    if (variantsOf.size > 2000) variantsOf.clear();
    variantsOf.set(word, v);
  }
  return v;
}

/** The words (as the list writes them) the text contains, in whichever script or width either side uses. */
export function findWords(text: string, words: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return [...new Set(words.filter((w) => w.length > 0 && lowerVariants(w).some((v) => lower.includes(v))))];
}

/**
 * Whether a rule's aspect names this tag's: contained in the aspect as written, or the tag's group
 * (canonicalAspect), in any script or width, as the feed's aspect filter and the dashboard count them
 * (a rule on 网络 fires for 網絡很差 and ＷＩＦＩ很差, which the dashboard counts under 网络).
 */
export function aspectMatches(tag: Pick<TagRecord, 'aspect' | 'canonicalAspect'>, word: string): boolean {
  const aspect = tag.aspect?.toLowerCase() ?? null;
  const group = tag.canonicalAspect?.toLowerCase() ?? null;
  return lowerVariants(word).some((v) => (aspect !== null && aspect.includes(v)) || group === v);
}
