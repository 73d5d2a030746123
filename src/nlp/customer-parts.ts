import type { AnalyzeInput } from './types.js';
import { customerSegments } from './merchant-reply.js';

/*
 * The customer's own words in a document: what opinions are read from and what action keywords are
 * matched against. An agent's "非常满意的话请给五星好评" or a hotel's "感谢您的好评" is not the customer
 * speaking, so transcripts keep only customer turns and reviews drop merchant replies (merchant-reply.ts).
 */

// "客服：…", "[客服] …", "【客户】：…": a speaker name needs a colon or brackets, since a customer line may
// well begin with the word 客服 (客服态度很差). Call-centre and speech-recognition exports put a time before it
// ("[00:05] 客户：…", "00:01:12 坐席：…", "2024-11-30 10:01:02 客服：…") and a note after it in brackets, the agent's
// number or the customer's name ("客服(工号1023)：…", "客户（张先生）：…"): still the speaker's prefix.
const SPEAKERS = '客户|顾客|用户|来电人|customer|坐席|客服|agent|系统|system';
const STAMP = String.raw`(?:[\[【(（]?\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]+)?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\s*[\]】)）]?\s*)?`;
const NOTE = String.raw`(?:\s*[(（][^()（）\n]{1,24}[)）])?`;
/**
 * Exports also write the speaker's short name or number straight after the role (客服小王：, 坐席小李：, 客户张先生：,
 * 客服王芳：, 客服007：). Only before a colon, and only a name's shape: an agent's number, 小/老/阿 + one character, one
 * character + 先生/女士/经理…, or a common surname + a one- or two-character given name. Anything longer or not opening
 * with a surname (客服态度很差：…, 客服太差：) is the customer's sentence. (钱 and 万 are left out: 客户钱没到：, 客服万一：.)
 */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊孟秦邱侯江尹薛闫段雷龙黎史陶贺顾毛郝龚邵严覃武戴莫孔汤';
const NAME = String.raw`(?:\d{1,6}号?|[小老阿][\u4e00-\u9fa5]|[\u4e00-\u9fa5](?:先生|女士|小姐|经理|主管|师傅|老师)|[${SURNAMES}][\u4e00-\u9fa5]{1,2})`;
const SPEAKER_PREFIX = new RegExp(`^\\s*${STAMP}(?:[\\[【(（]\\s*(${SPEAKERS})${NOTE}\\s*[\\]】)）]\\s*[：:]?|(${SPEAKERS})(?:${NOTE}|\\s?${NAME})\\s*[：:])\\s*`, 'i');
const CUSTOMER_SPEAKER = /^(客户|顾客|用户|来电人|customer)/i;

export interface CustomerPart {
  /** the stored text this part's spans index into (the turn's text when `turnIndex` is set) */
  text: string;
  /** where `text` starts in that stored text: non-zero for prefixed transcript lines and for review text
   * after a merchant reply */
  offset: number;
  turnIndex?: number;
  /** the turn answers an agent's statement or offer, not a question (so 那还行 accepts, it does not rate) */
  afterOffer?: boolean;
}

/** An agent turn that asks something: the customer's 还可以 after it is a rating, after anything else an acceptance. */
const QUESTION_END = /[？?吗呢嘛][」"”'’)）\s]*$/;
const offers = (agentSaid: string) => !QUESTION_END.test(agentSaid);

export function customerParts(input: AnalyzeInput): CustomerPart[] {
  if (input.kind === 'transcript') {
    if (input.turns && input.turns.length) {
      return input.turns.flatMap((t, i) => {
        if (t.speaker !== 'customer') return [];
        const before = input.turns![i - 1];
        const part: CustomerPart = { text: t.text ?? '', offset: 0, turnIndex: i };
        if (before?.speaker === 'agent' && offers(before.text ?? '')) part.afterOffer = true;
        return [part];
      });
    }
    // a transcript stored as one text with speaker prefixes: only customer lines, spans stay in that text
    // A line without a prefix continues the turn above it (a long answer wrapped over lines).
    const text = input.text ?? '';
    const out: CustomerPart[] = [];
    let pos = 0;
    let turn = -1;
    let customer = false;
    // the last line of the agent's turn just before, null after anyone else's
    let agentSaid: string | null = null;
    for (const line of text.split('\n')) {
      const m = SPEAKER_PREFIX.exec(line);
      if (m) {
        turn++;
        customer = CUSTOMER_SPEAKER.test(m[1] ?? m[2]!);
        if (customer) {
          const part: CustomerPart = { text: line.slice(m[0].length), offset: pos + m[0].length, turnIndex: turn };
          if (agentSaid !== null && offers(agentSaid)) part.afterOffer = true;
          out.push(part);
          agentSaid = null;
        } else agentSaid = /^(系统|system)/i.test(m[1] ?? m[2]!) ? null : line.slice(m[0].length);
      } else if (customer && line.trim()) {
        out.push({ text: line, offset: pos, turnIndex: turn });
      } else if (agentSaid !== null && line.trim()) {
        agentSaid = line;
      }
      pos += line.length + 1;
    }
    if (!out.length && !text.split('\n').some((l) => SPEAKER_PREFIX.test(l))) out.push({ text, offset: 0 });
    return out;
  }
  return customerSegments(input.text ?? '');
}
