import type { AnalyzeInput } from './types.js';
import { customerSegments } from './merchant-reply.js';

/*
 * The customer's own words in a document: what opinions are read from and what action keywords are
 * matched against. An agent's "非常满意的话请给五星好评" or a hotel's "感谢您的好评" is not the customer
 * speaking, so transcripts keep only customer turns and reviews drop merchant replies (merchant-reply.ts).
 */

// "客服：…", "[客服] …", "【客户】：…": a speaker name needs a colon or brackets, since a customer line may
// well begin with the word 客服 (客服态度很差).
const SPEAKERS = '客户|顾客|用户|来电人|customer|坐席|客服|agent|系统|system';
const SPEAKER_PREFIX = new RegExp(`^\\s*(?:[\\[【(（]\\s*(${SPEAKERS})\\s*[\\]】)）]\\s*[：:]?|(${SPEAKERS})\\s*[：:])\\s*`, 'i');
const CUSTOMER_SPEAKER = /^(客户|顾客|用户|来电人|customer)/i;

export interface CustomerPart {
  /** the stored text this part's spans index into (the turn's text when `turnIndex` is set) */
  text: string;
  /** where `text` starts in that stored text: non-zero for prefixed transcript lines and for review text
   * after a merchant reply */
  offset: number;
  turnIndex?: number;
}

export function customerParts(input: AnalyzeInput): CustomerPart[] {
  if (input.kind === 'transcript') {
    if (input.turns && input.turns.length) {
      return input.turns.flatMap((t, i) => (t.speaker === 'customer' ? [{ text: t.text ?? '', offset: 0, turnIndex: i }] : []));
    }
    // a transcript stored as one text with speaker prefixes: only customer lines, spans stay in that text
    // A line without a prefix continues the turn above it (a long answer wrapped over lines).
    const text = input.text ?? '';
    const out: CustomerPart[] = [];
    let pos = 0;
    let turn = -1;
    let customer = false;
    for (const line of text.split('\n')) {
      const m = SPEAKER_PREFIX.exec(line);
      if (m) {
        turn++;
        customer = CUSTOMER_SPEAKER.test(m[1] ?? m[2]!);
        if (customer) out.push({ text: line.slice(m[0].length), offset: pos + m[0].length, turnIndex: turn });
      } else if (customer && line.trim()) {
        out.push({ text: line, offset: pos, turnIndex: turn });
      }
      pos += line.length + 1;
    }
    if (!out.length && !text.split('\n').some((l) => SPEAKER_PREFIX.test(l))) out.push({ text, offset: 0 });
    return out;
  }
  return customerSegments(input.text ?? '');
}
