import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { buildJiebaDict, type Lexicon } from './lexicon.js';
import type { Token } from './extract.js';

/**
 * jieba's loadDict adds words and frequencies but keeps the tag its own dictionary gives a word it already
 * knows (全程 stays n, 巨 nr): the user dictionary's tag is what the lexicon means, so it wins at tag time.
 */
const userTags = new WeakMap<Jieba, Map<string, string>>();

export function loadJieba(lex: Lexicon): Jieba {
  const require = createRequire(import.meta.url);
  const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
  const jieba = Jieba.withDict(dict);
  jieba.loadDict(Buffer.from(buildJiebaDict(lex), 'utf8'));
  userTags.set(jieba, new Map(lex.userDict.map((e) => [e.word.toLowerCase(), e.tag] as const)));
  return jieba;
}

/** Tokens of text[start,end) with offsets in `text`; jieba returns pieces that concatenate to the input. */
export function tokenize(
  jieba: Jieba,
  text: string,
  start: number,
  end: number,
  terms?: ReadonlyMap<string, unknown>,
  sentiment?: ReadonlyMap<string, number>,
): Token[] {
  const slice = text.slice(start, end);
  const own = userTags.get(jieba);
  const raw = jieba.tag(slice, true).map((t) => {
    const tag = own?.get(t.word);
    return tag && tag !== t.tag ? { word: t.word, tag } : t;
  });
  const tagged = splitRepeatedDegree(splitGlued(splitDegreePrefix(splitComparatives(raw, terms), sentiment), terms, sentiment), sentiment);
  const out: Token[] = [];
  let pos = 0;
  for (const t of addressForms(splitHmmTails(splitHmmInnerDegree(tagged, sentiment)))) {
    const at = slice.indexOf(t.word, pos);
    if (at < 0) continue;
    out.push({ word: t.word, tag: t.tag, start: start + at, end: start + at + t.word.length });
    pos = at + t.word.length;
  }
  return out;
}


/**
 * 小/老 + a one-character surname is how staff are named (理赔员小李, 师傅老王): one name, not "small" + 李. And 上门
 * (jieba: a place name) is coming to the door (师傅上门之后挺靠谱), a verb, unless a service follows it (上门取件).
 */
function addressForms(tagged: { word: string; tag: string }[]): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  for (let k = 0; k < tagged.length; k++) {
    const t = tagged[k]!;
    const next = tagged[k + 1];
    if (t.word === '上门' && !(next && /^[nvx]/.test(next.tag))) {
      out.push({ word: t.word, tag: 'v' });
      continue;
    }
    if ((t.word === '小' || t.word === '老') && next && next.word.length === 1 && next.tag === 'nr') {
      out.push({ word: t.word + next.word, tag: 'nr' });
      k++;
    } else out.push(t);
  }
  return out;
}

/** One-character degree adverbs that social posts repeat for emphasis (太太太好了, 真真真干净, 超超超快). */
const REPEATED_DEGREE = /^([太很超真巨贼挺蛮])\1+$/;
/** Who a 太太 ("wife") belongs to: a pronoun, a name, 的, or a person (我太太, 王太太, 老板的太太). */
const POSSESSOR = /^(?:我|你|您|他|她|俺|咱|人家|的|老板|老王|邻居|朋友|同事)$/;

/**
 * A degree adverb typed two or more times in a row is emphasis, but jieba reads the doubled one as a word: 太太 is
 * "wife" (服务太太太好了 gave the target 服务太太, 客服态度太太差了 客服态度太太) and 真真 an adverb the lexicon does
 * not know (房间真真真干净 lost its target). When the doubled piece goes on into the same adverb or straight into an
 * evaluation word, and no possessor stands before it (我太太说…, 王太太), it is split into single adverbs.
 */
function splitRepeatedDegree(tagged: { word: string; tag: string }[], sentiment?: ReadonlyMap<string, number>): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  for (let k = 0; k < tagged.length; k++) {
    const t = tagged[k]!;
    const m = REPEATED_DEGREE.exec(t.word);
    const prev = tagged[k - 1];
    const next = tagged[k + 1];
    const emphasis = m && next !== undefined && (next.word.startsWith(m[1]!) || sentiment?.has(next.word) === true);
    const owned = prev !== undefined && (POSSESSOR.test(prev.word) || /^(?:r|nr)/.test(prev.tag));
    if (!emphasis || owned) {
      out.push(t);
      continue;
    }
    for (const c of t.word) out.push({ word: c, tag: 'd' });
  }
  return out;
}

const INNER_DEGREE = /^([\u4e00-\u9fff]{0,2}?)([太很挺超])([\u4e00-\u9fff]{1,2})$/;
const SCALAR_TAIL = new Set([...'多少大小高低长短快慢贵难']);

/**
 * jieba's HMM also swallows a degree adverb together with the words on both sides of it (外卖油太多了 → 油太多,
 * 人工太难转了 → 太难|转): split the guessed piece (tag x) at the adverb when what follows it is an evaluation word
 * or a scalar adjective, so the adverb opens the opinion and the word before it can be its target.
 */
function splitHmmInnerDegree(tagged: { word: string; tag: string }[], sentiment?: ReadonlyMap<string, number>): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  let compared = false;
  for (const t of tagged) {
    const m = t.tag === 'x' ? INNER_DEGREE.exec(t.word) : null;
    if (t.word === '比') compared = true;
    if (/^[，。！？,!?；;]$/.test(t.word)) compared = false;
    // (after 比, 太多 is the comparison's degree, 比你们强太多 "far better": that stays whole)
    if (!m || !(sentiment?.has(m[3]!) || SCALAR_TAIL.has(m[3]!)) || compared) {
      out.push(t);
      continue;
    }
    // a single character left before the adverb is the thing judged (油太多), unless it is an adverb itself (也太多)
    if (m[1]) out.push({ word: m[1], tag: m[1].length > 1 ? 'x' : /[也都还就真又再更最可]/.test(m[1]) ? 'd' : 'n' });
    out.push({ word: m[2]!, tag: 'd' }, { word: m[3]!, tag: 'a' });
  }
  return out;
}

const MOD_TAIL = /^(.+?)([很太挺超好真蛮巨贼偏不没也都还略较颇稍])$/;
// (only things that spill, break or go off: 花洒 is a shower head, 软烂 praise)
const MISHAP_HEAD = new Set([...'汤饭菜水粥面碗盒袋杯瓶箱蛋奶']);
const MISHAP_TAIL = new Set([...'洒撒坏破碎漏烂馊']);
const MISHAP_ADVERB = new Set([...'全都还又也']);

/**
 * jieba's HMM glues an unknown character to a following single-character adverb (自助入住机挺方便 →
 * 机挺, 配汤略咸 → 配汤略, 床不太舒服 → 床不太); split such pieces so the adverb stays visible to the opinion scope rules.
 */
function splitHmmTails(tagged: { word: string; tag: string }[]): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  const heads = splitHmmHeads(tagged);
  for (const [k, t] of heads.entries()) {
    const next = heads[k + 1];
    if (t.tag !== 'x' || t.word.length < 2 || t.word.length > 4) {
      out.push(t);
      continue;
    }
    // a one-character mishap glued to the thing it befell (jieba: 汤洒了 → 汤洒|了) is a noun and its verb
    if (t.word.length === 2 && MISHAP_HEAD.has(t.word[0]!) && MISHAP_TAIL.has(t.word[1]!)) {
      out.push({ word: t.word[0]!, tag: 'n' }, { word: t.word[1]!, tag: 'v' });
      continue;
    }
    // and an adverb glued to the mishap (饮料全洒|了 → 全|洒) or to the thing (汤全|洒了 → 汤|全)
    if (t.word.length === 2 && MISHAP_ADVERB.has(t.word[0]!) && MISHAP_TAIL.has(t.word[1]!)) {
      out.push({ word: t.word[0]!, tag: 'd' }, { word: t.word[1]!, tag: 'v' });
      continue;
    }
    if (t.word.length === 2 && MISHAP_HEAD.has(t.word[0]!) && MISHAP_ADVERB.has(t.word[1]!) && MISHAP_TAIL.has(next?.word[0] ?? '')) {
      out.push({ word: t.word[0]!, tag: 'n' }, { word: t.word[1]!, tag: 'd' });
      continue;
    }
    // peel adverbs off the right one at a time (床不太舒服 → 床|不|太)
    let w = t.word;
    const tail: { word: string; tag: string }[] = [];
    for (let m = MOD_TAIL.exec(w); m; m = w.length >= 2 ? MOD_TAIL.exec(w) : null) {
      tail.unshift({ word: m[2]!, tag: 'd' });
      w = m[1]!;
    }
    out.push({ word: w, tag: 'x' }, ...tail);
  }
  return out;
}

const HEAD_CHARS = new Set([...'得很太挺超好真蛮巨贼偏也都还']);

/**
 * The same HMM glues a complement marker or a degree adverb to the unknown word after it (设置得太低 →
 * 设置|得太低, 颜值好高): split such guessed pieces (tag x) so 得 and the adverb stand alone and the word
 * before them can be found as the target.
 */
function splitHmmHeads(tagged: { word: string; tag: string }[]): { word: string; tag: string }[] {
  const out: { word: string; tag: string }[] = [];
  for (const t of tagged) {
    let w = t.word;
    while (t.tag === 'x' && w.length >= 3 && HEAD_CHARS.has(w[0]!) && /^[\u4e00-\u9fff]+$/.test(w)) {
      out.push({ word: w[0]!, tag: w[0] === '得' ? 'ud' : 'd' });
      w = w.slice(1);
    }
    out.push(w === t.word ? t : { word: w, tag: 'x' });
  }
  return out;
}

/**
 * jieba reads "价格比去年涨了" as 价格比 (price ratio); when the part before 比 is a known aspect the 比
 * is the comparative preposition and has to stand alone for the comparison rules.
 */
function splitComparatives(tagged: { word: string; tag: string }[], terms?: ReadonlyMap<string, unknown>): { word: string; tag: string }[] {
  if (!terms) return tagged;
  const out: { word: string; tag: string }[] = [];
  for (const t of tagged) {
    const head = t.word.slice(0, -1);
    if (t.word.length >= 3 && t.word.endsWith('比') && terms.has(head)) out.push({ word: head, tag: 'n' }, { word: '比', tag: 'p' });
    else out.push(t);
  }
  return out;
}

const DEGREE_PREFIX = /^(非常|十分|特别|极其|比较|确实|有点|有些|相当|格外|尤其|稍微|实在|极|较|超)(.+)$/;

/**
 * jieba's dictionary also holds a degree adverb with the word it modifies (非常热心, 十分迅速, 极其拥挤, 有点烦|人): a
 * piece that is no evaluation itself but a degree adverb and one is split, so the evaluation is found. The adverbs are
 * the two-character ones of degree.tsv and 极/较/超; the other one-character ones (好, 真, 太, 很) begin too many
 * ordinary words (好坏, 真心) to be split off.
 */
function splitDegreePrefix(tagged: { word: string; tag: string }[], sentiment?: ReadonlyMap<string, number>): { word: string; tag: string }[] {
  if (!sentiment) return tagged;
  const out: { word: string; tag: string }[] = [];
  for (const t of tagged) {
    const m = t.tag !== 'x' && !sentiment.has(t.word) ? DEGREE_PREFIX.exec(t.word) : null;
    if (m && sentiment.has(m[2]!)) out.push({ word: m[1]!, tag: 'd' }, { word: m[2]!, tag: 'a' });
    else out.push(t);
  }
  return out;
}

/**
 * jieba's dictionary has idioms like 态度恶劣 / 质量上乘 as one word; when the word is a known aspect
 * followed by a known evaluation, split it so the aspect and the opinion are found separately.
 */
function splitGlued(tagged: { word: string; tag: string }[], terms?: ReadonlyMap<string, unknown>, sentiment?: ReadonlyMap<string, number>): { word: string; tag: string }[] {
  if (!terms || !sentiment) return tagged;
  const out: { word: string; tag: string }[] = [];
  for (const t of tagged) {
    let done = false;
    if (t.word.length >= 3 && !sentiment.has(t.word)) {
      for (let k = 1; k < t.word.length && !done; k++) {
        const head = t.word.slice(0, k);
        const tail = t.word.slice(k);
        if (head.length >= 2 && terms.has(head) && sentiment.has(tail)) {
          out.push({ word: head, tag: 'n' }, { word: tail, tag: 'a' });
          done = true;
        }
        // and a four-character set phrase of a thing and its verdict the taxonomy does not know (反应迟钝, 空气清新)
        else if (t.word.length === 4 && k === 2 && /^[liz]$/.test(t.tag) && !sentiment.has(head) && sentiment.has(tail)) {
          out.push({ word: head, tag: 'n' }, { word: tail, tag: 'a' });
          done = true;
        }
      }
    }
    if (!done) out.push(t);
  }
  return out;
}
