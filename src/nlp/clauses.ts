import type { Lexicon } from './lexicon.js';
import type { NormalizedText } from './normalize.js';
import { HASH_TOKEN_SOURCE } from './pii.js';

export interface Clause {
  /** normalized offsets, half-open, trimmed of punctuation/space */
  start: number;
  end: number;
  /** the clause was introduced by a contrast marker (但是/不过/...), or a concession (虽然) */
  marker: 'contrast' | 'concession' | null;
  /** offset where the content starts after the marker */
  contentStart: number;
  /** ends with a question mark / question particle: weak opinions there are usually questions */
  question: boolean;
  /** hashtag or @mention: topic labels, never opinions */
  meta: boolean;
  /** index of the sentence (split on 。！？ and line breaks) the clause belongs to */
  sentence: number;
  /** set by extraction: the part of the clause that reports someone else's claim (业务员说|理赔很快), normalized offsets */
  reported?: {
    start: number;
    end: number;
    /** the claim is quoted speech still open at the clause end: the closing quote to look for, and where from */
    open?: { quote: string; from: number };
  };
}

const HARD_STOP = new Set(['。', '!', '?', '！', '？', '\n', '…', '~', '～']);
// quotes are not boundaries: “高效” in quotes is sarcasm that has to stay inside its clause
const SOFT_STOP = new Set([',', '，', ';', '；', ':', '：', '.', '(', ')', '（', '）', '【', '】', '[', ']', '《', '》']);

// Contrast markers inside a clause ("网络很顺畅但是App老是闪退") start a new clause; single-character
// markers only do so at a clause start because 可/但/却 are parts of too many ordinary words.
const INLINE_CONTRAST = ['但是', '不过', '然而', '可是'];
const CJK = /[\u4e00-\u9fff]/;
const NOT_CONTRAST_BEFORE = /[说比信打跑斗赢拗熬躲逃看过争吵骗]/;
// A hash-policy PII token (src/nlp/pii.ts: [phone:16 hex], 8 hex before per-tenant keys) stands where a number
// was: a noun inside its clause, so its brackets and colon are not the clause stops they are elsewhere (the
// sentence would differ by PII policy).
const PII_TOKEN = new RegExp(HASH_TOKEN_SOURCE, 'y');

/**
 * Clauses of a normalized text. Given the `NormalizedText` rather than its string, the spaces that stand for an
 * emoji or an ideographic space (`breaks`) end clauses too (太卡了🤦客服也不理人 is two clauses).
 */
export function splitClauses(input: string | NormalizedText, lex: Lexicon): Clause[] {
  const text = typeof input === 'string' ? input : input.text;
  const breaks = typeof input === 'string' ? undefined : input.breaks;
  // 1. cut at punctuation, emoji, whitespace between CJK runs (one plain space between Chinese words excepted),
  // hashtags and mentions
  const raw: { start: number; end: number; meta: boolean; sentence: number; stop: string }[] = [];
  let sentence = 0;
  let i = 0;
  let segStart = 0;
  const push = (s: number, e: number, meta: boolean, stop: string) => {
    // a clause never starts or ends on whitespace (the space after an @mention is no part of what follows)
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) raw.push({ start: s, end: e, meta, sentence, stop });
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '[') {
      PII_TOKEN.lastIndex = i;
      if (PII_TOKEN.test(text)) {
        i = PII_TOKEN.lastIndex;
        continue;
      }
    }
    if (ch === '#') {
      // Hashtags are topic labels, never opinions: the closed Weibo form #话题# (no space inside, or it
      // would swallow the text between two open tags: #信用卡 #种草) and the open 小红书 form #种草, which
      // runs to the next space, punctuation or #. Even an evaluative tag (#避雷) labels the post; the
      // opinion is what the post says.
      const close = text.indexOf('#', i + 1);
      if (close > i + 1 && close - i <= 30 && !/\s/.test(text.slice(i + 1, close))) {
        push(segStart, i, false, '#');
        push(i, close + 1, true, '#');
        i = close + 1;
        segStart = i;
        continue;
      }
      let j = i + 1;
      while (j < text.length && j - i <= 15 && !/[\s,，。!！?？:：;；@#、]/.test(text[j]!)) j++;
      if (j > i + 1) {
        push(segStart, i, false, '#');
        push(i, j, true, '#');
        i = j;
        segStart = i;
        continue;
      }
    }
    // an @ inside an e-mail address (z***@163.com as masked) is no mention
    if (ch === '@' && !/[A-Za-z0-9._*-]/.test(text[i - 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && !/[\s,，。!！?？:：;；@#]/.test(text[j]!)) j++;
      push(segStart, i, false, '@');
      push(i, j, true, '@');
      i = j;
      segStart = i;
      continue;
    }
    if (HARD_STOP.has(ch) || SOFT_STOP.has(ch) || ch === ' ') {
      // a dot inside a domain (z***@163.com as masked) is no stop
      if (ch === '.' && /[A-Za-z0-9]/.test(text[i - 1] ?? '') && /[A-Za-z]/.test(text[i + 1] ?? '')) {
        i++;
        continue;
      }
      if (ch === ' ' && breaks?.has(i)) {
        push(segStart, i, false, ch);
        i++;
        segStart = i;
        continue;
      }
      // a space between digits/latin (phone groups, "ATM 机") is not a boundary, nor is one space between
      // Chinese words, which social posts use as word breaks (网银 登录 一直 报错)
      if (ch === ' ' && /[0-9a-zA-Z]/.test(text[i - 1] ?? '') && /[0-9a-zA-Z]/.test(text[i + 1] ?? '')) {
        i++;
        continue;
      }
      if (ch === ' ' && CJK.test(text[i - 1] ?? '') && CJK.test(text[i + 1] ?? '')) {
        i++;
        continue;
      }
      push(segStart, i, false, ch);
      if (HARD_STOP.has(ch)) sentence++;
      i++;
      segStart = i;
      continue;
    }
    if (ch === '.' && !/[0-9]/.test(text[i + 1] ?? '')) {
      push(segStart, i, false, ch);
      i++;
      segStart = i;
      continue;
    }
    i++;
  }
  push(segStart, text.length, false, '');

  // 2. split further at inline contrast markers, classify markers, detect questions
  const markers = [...lex.contrasts].sort((a, b) => b[0].length - a[0].length);
  const out: Clause[] = [];
  for (let k = 0; k < raw.length; k++) {
    const r = raw[k]!;
    // 呢 ends questions (怎么还没到呢, 我的退款呢) and exclamations alike (服务可真周到呢, 真是优秀呢): it asks only
    // with a question word, an A-not-A, or after a bare noun phrase
    const body = text.slice(r.start, r.end);
    const neQuestion = /呢$/.test(body) && (/什么|怎么|为什么|为啥|咋|哪|谁|几|多少|是不是|有没有|能不能|要不要|会不会|还是|难道/.test(body) || /(.)不\1/.test(body) || body.length <= 6);
    const isQuestion = /[?？]/.test(r.stop) || /[吗么嘛]$/.test(body) || neQuestion;
    let pieces: [number, number][] = [[r.start, r.end]];
    if (!r.meta) {
      pieces = [];
      let s = r.start;
      for (let p = r.start + 1; p < r.end - 1; p++) {
        for (const m of INLINE_CONTRAST) {
          // (a verb + 不过 is "cannot", no contrast: 说不过去, 比不过, 信不过, 打不过)
          if (text.startsWith(m, p) && p > s && !(m === '不过' && NOT_CONTRAST_BEFORE.test(text[p - 1]!))) {
            pieces.push([s, p]);
            s = p;
            break;
          }
        }
      }
      pieces.push([s, r.end]);
    }
    for (const [s, e] of pieces) {
      let marker: Clause['marker'] = null;
      let contentStart = s;
      if (!r.meta) {
        for (const [w, type] of markers) {
          if (!text.startsWith(w, s)) continue;
          // 可以/可能/但愿/就是说: the single characters only count when not starting a longer word
          const after = text[s + w.length] ?? '';
          if (w.length === 1 && /[以能爱怜惜口乐见怕靠]/.test(after)) continue;
          // 就是 alone, or pointing at something (就是这个, 就是说), is not the 'only that…' contrast (就是贵)
          if (w === '就是' && (e - s <= 2 || /^(说|这|那|了|啊|呀|嘛|吧|的|我|你|他|她)/.test(text.slice(s + 2, e)))) continue;
          marker = type;
          contentStart = s + w.length;
          break;
        }
      }
      out.push({
        start: s,
        end: e,
        marker,
        contentStart,
        question: isQuestion && e === r.end,
        meta: r.meta,
        sentence: r.sentence,
      });
    }
  }
  return out.filter((c) => c.end > c.start && text.slice(c.start, c.end).trim() !== '');
}
