/*
 * Review sites hand over the business's answer glued to the customer's review:
 *   "…隔音太差，一夜没睡好。宾馆反馈 2008年7月4日：感谢您的入住，我们深表歉意…"
 * (312 of the 5,675 hotel reviews in the training data carry one). That text is the merchant speaking, as
 * an agent does in a call, so its thanks and apologies are not the customer's opinions and the analyzer
 * reads around it. A reply runs to the end of the text or to the customer's own follow-up (补充点评 …).
 *
 * The colon is required: "客服回复说…" / "酒店回复很及时" are the customer reporting or judging a reply,
 * and stay customer text. 客服 is left out of the speakers for the same reason (customers quote it).
 * Matching runs on the stored text, so full-width digits and colons, ideographic spaces and traditional
 * characters are accepted as they come.
 */

const SP = '[\\s\\u3000]*';
const DIGIT = '[0-9０-９]';
const SPEAKER = '(?:宾馆|賓館|酒店|商家|商户|商戶|店家|卖家|賣家|掌柜|掌櫃|店主|店铺|店鋪|门店|門店|店长|店長|管理者|官方)';
const VERB = '(?:反馈|反饋|回复|回覆|回應|回应)';
// 2008年7月4日, or as platforms print it, 2024-11-30 (10:01:02), possibly in brackets: 商家回复(2024-11-30)：
const DAY = `${DIGIT}{4}${SP}(?:年${SP}${DIGIT}{1,2}${SP}月${SP}${DIGIT}{1,2}${SP}日|[-/.]${DIGIT}{1,2}[-/.]${DIGIT}{1,2})`;
const TIME = `(?:${SP}${DIGIT}{1,2}[:：]${DIGIT}{2}(?:[:：]${DIGIT}{2})?)?`;
const DATE = `(?:[(（]${SP}${DAY}${TIME}${SP}[)）]|${DAY}${TIME})?`;
// the colon is what makes 商家回复 a label; a label in brackets needs none (【商家回复】亲，…; [商家回复]：…)
const REPLY_START = new RegExp(`[【\\[]${SP}${SPEAKER}${VERB}${SP}${DATE}${SP}[】\\]]${SP}[:：]?|${SPEAKER}${VERB}${SP}${DATE}${SP}[:：]`, 'g');
const FOLLOW_UP = /补充点评|補充點評|追加评论|追加評論|追评|追評/g;

export interface TextSegment {
  text: string;
  /** where `text` starts in the string it was cut from */
  offset: number;
}

/** Start (the speaker word) and end of every merchant reply in `text`, in order, non-overlapping. */
export function merchantReplySpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  REPLY_START.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REPLY_START.exec(text))) {
    const start = m.index;
    FOLLOW_UP.lastIndex = m.index + m[0].length;
    const next = FOLLOW_UP.exec(text);
    const end = next ? next.index : text.length;
    spans.push({ start, end });
    REPLY_START.lastIndex = end;
  }
  return spans;
}

/** The customer's own text around any merchant replies, each piece with its offset (whole text when none). */
export function customerSegments(text: string): TextSegment[] {
  const replies = merchantReplySpans(text);
  if (!replies.length) return [{ text, offset: 0 }];
  const out: TextSegment[] = [];
  let pos = 0;
  for (const r of [...replies, { start: text.length, end: text.length }]) {
    if (r.start > pos && text.slice(pos, r.start).trim()) out.push({ text: text.slice(pos, r.start), offset: pos });
    pos = r.end;
  }
  return out;
}
