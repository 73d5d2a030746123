import type { CategoryId } from './types.js';
import type { Lexicon, PatternRole } from './lexicon.js';
import type { Clause } from './clauses.js';
import { implicitFor } from './aspect-lookup.js';
import { requiredLiterals } from './pattern-literals.js';

export interface Token {
  word: string;
  tag: string;
  start: number;
  end: number;
}

export interface FoundAspect {
  start: number;
  end: number;
  text: string;
}

/** An opinion found on the normalized text (offsets are normalized-text offsets). */
export interface RawOpinion {
  start: number;
  end: number;
  coreStart: number;
  coreEnd: number;
  core: string;
  /** signed strength after negation, in [-2, 2]; 0 means unresolved (scalar without a known aspect) */
  score: number;
  negated: boolean;
  degree: number;
  patternCategory: CategoryId | null;
  fromPattern: boolean;
  /** the role of the pattern that found it (lexicon.ts PatternRole) */
  role?: PatternRole;
  aspect: FoundAspect | null;
  /** the aspect was linked from elsewhere in the sentence rather than found next to the opinion */
  aspectDistant?: boolean;
  /** the opinion sits in a rhetorical 不是…吗 / 难道…吗 question, which asserts rather than asks */
  rhetorical?: boolean;
  clause: Clause;
}

/** Per-call view of the lexicon with tenant overrides merged in. */
export interface ExtractLexicon {
  lex: Lexicon;
  sentiment: Map<string, number>;
  /**
   * The lengths of the sentiment words starting with each UTF-16 unit, longest first: a scan for the longest word
   * at a position tries only these (1.4 on average) instead of every length up to the longest word's.
   */
  wordLengths: Map<string, number[]>;
  modifiers: Map<string, 'negation' | 'degree' | 'adverb'>;
  maxModLen: number;
  extraAspects: Map<string, CategoryId>;
  /** tenant sentiment words: matched on characters, since jieba's dictionary does not know them */
  extraWords: Set<string>;
}

export function buildExtractLexicon(lex: Lexicon, extraSentiment?: Record<string, number>, extraAspects?: Record<string, CategoryId>): ExtractLexicon {
  const sentiment = new Map(lex.sentiment);
  for (const [w, s] of Object.entries(extraSentiment ?? {})) sentiment.set(w.toLowerCase(), Math.max(-2, Math.min(2, s)));
  const modifiers = new Map<string, 'negation' | 'degree' | 'adverb'>();
  for (const w of lex.adverbs) modifiers.set(w, 'adverb');
  for (const w of lex.degrees.keys()) modifiers.set(w, 'degree');
  for (const w of lex.negations) modifiers.set(w, 'negation');
  const aspects = new Map<string, CategoryId>();
  for (const [t, c] of Object.entries(extraAspects ?? {})) aspects.set(t.toLowerCase(), c);
  return {
    lex,
    sentiment,
    wordLengths: lengthsByFirstUnit(sentiment.keys()),
    modifiers,
    maxModLen: Math.max(1, ...[...modifiers.keys()].map((w) => w.length)),
    extraAspects: aspects,
    extraWords: new Set(Object.keys(extraSentiment ?? {}).map((w) => w.toLowerCase())),
  };
}

const SINGLE_MOD_CHARS = new Set([...'不没很太超挺好真老偏巨贼蛮还都也就更最特又']);
const TAIL_CHARS = new Set([...'了的点多死啊吧呀哦啦哈呢极爆嘛']);
const RIGHT_SUFFIXES = ['的要死', '的要命', '的不行', '的不得了', '到上头', '得上头', '得很厉害', '得太厉害', '得特别厉害', '得非常厉害', '得厉害', '得不得了', '得要命', '得要死', '得不行', '得离谱', '到离谱', '到极点', '了这么多', '了那么多', '到不行', '到爆', '到家了', '了不少', '了一点', '了一些', '了点', '一点', '一些', '好多', '多了', '死了', '极了', '透了', '爆了', '得很', '不少', '了很多', '很多', '得多', '太多了', '太多', '大了', '点'];
const PARTICLES = /^[了的啊吧呀哦啦哈呢嘛!！,，。.?？~～\s]/;
/** 得 and a complement of two to eight characters up to the clause end (辣得我眼泪直流, 咸得发苦, 差得也太多). */
/** A count, length or share after a verb (了三天, 两个, 好几回, 小半个月, 一大半, 二十). Money has its own rule (size, below
 * in expand); a bare number needs a Chinese magnitude (二十, 四百), since a bare digit ends a list item (很安静2.).
 * 一下 is a softener, not a count. */
const QUANTITY_TAIL =
  /^了?(?:(?:快|将近|足足|整整)?(?:(?:[0-9]+(?:\.[0-9]+)?|[一两二三四五六七八九十几]+|好几|小半|大半)个?多?(?:次|回|遍|趟|天|周|星期|礼拜|个?月|年|个?小时|个?钟头|分钟|秒|个|本|件|只|瓶|包|盒|袋|份|串|杯|碗|根|条|张|片|颗|粒|道|双|套|台|层|格|斤|克|公里|位|倍|半)|[一两二三四五六七八九几]?[十百千][一二三四五六七八九]?)|一大?(?:半|圈|截|地|堆|路|身)|个(?:大|小)?(?:洞|口子|角|坑))/;
/** Characters that mark an HMM-made token as a piece of a sentence rather than a name: function words and common
 * verbs anywhere, an adjective at the end (房间霉暗, 家具老旧). */
const HMM_GLUE =
  /[了的得着过是有个次要一二两三四五六七八九十半这那此其另我你他她它们说想求算呼就却都也还又在把被给让到看收开放干很太挺真最略较颇稍没不吗呢吧啊呀么咋怎啥谁哪几些每各该能会可够花交提降改找问买卖用吃住睡晚里上]|[旧暗低高多少净乱脏差坏长短快慢贵怡]$/;
/** Words that end a name for a person serving the customer (师傅, 快递员, 客服): what they do is not the target. */
const PERSON_NOUN = /(师傅|小哥|小姐姐|小姐|阿姨|大哥|大姐|大叔|大爷|大妈|老板娘|员|客服|经理|骑手|司机|老板|店家|商家|卖家|店主|掌柜|前台|医生|护士|老师|导游|管家|保安|保洁|坐席|专员|主管|顾问|人员|工作人员|人)$/;
const isPerson = (t: Token) => t.tag === 'nr' || PERSON_NOUN.test(t.word);
/** how a person is judged, written after them (营业员态度很差) */
const MANNER = /^(?:态度|服务态度|脾气|语气|口气)$/;
/** Verbs that name what a thing does or a process it runs (保护, 识别, 申请, 排水): with the thing before them, the target. */
const HEAD_VERBS = new Set(['补偿', '补发', '补寄', '退钱', '退费', '赔付', '转接', '抢修', '折叠', '开关', '调整', '叫醒', '保护', '识别', '申请', '安排', '打扫', '清洁', '排水', '配备', '设计', '设置', '处理', '审核', '审批', '办理', '入住', '登录', '注册', '支付', '转账', '充值', '提现', '理赔', '报销', '退款', '退货', '换货', '维修', '安装', '配送', '送餐', '出餐', '上菜', '接待', '结账', '核验', '验证', '推送', '提醒', '更新', '升级', '加载', '定位', '导航', '搜索', '降噪', '制冷', '制热', '充电', '散热', '隔音', '排队', '预约', '取号', '叫号', '付款', '扣款', '到账', '放款', '还款', '下单', '发货', '揽收', '派送', '签收', '包装', '打包', '显示', '播放', '连接', '响应', '反应', '解答', '回复', '讲解', '沟通', '报价', '定损', '核保', '续保', '退保', '开户', '销户', '挂失', '解冻', '冻结', '取件', '寄件', '退订', '订购', '开通', '办卡', '激活', '跳转', '刷新', '同步', '下载', '运行', '启动', '切换', '拍照', '录音', '计费', '收费', '结算', '兑换', '抢购', '秒杀', '抽奖', '签到'])
/** Noun verdicts on what was sold (是假货, 是翻新机). */
const FAKE_GOODS = /^(?:假货|次品|山寨货?|盗版|翻新机?|二手货?|残次品|临期货?|过期货?|水货|高仿|A货)$/;
/** Words a concession ends on (还是不错, 还是挺失望): verdicts and feelings rather than a state that lasted. */
const CONCESSIVE_VERDICT = /^(?:不错|可以|满意|失望|值得|值|划算|推荐|好|行|还行|令人满意|物超所值|物有所值|值得推荐|舒服|满意的)$/;
const DE_COMPLEMENT = /^得[^，。！？,!?\s也又还但却]{2,8}$/;
/** Nouns that end a product, room or plan name (大床房, 套餐, 会员卡, 医疗险): after a name word, a name. */
const PRODUCT_NOUN = /(?:房|间|套餐|套|款|版|卡|险|宝|贷|包|会员|计划|型|系列|专线|专享|支付|服务包)$/;
/** ... or begin a room type's name (豪华商务大床房, 豪华海景房). */
const ROOM_PREFIX = /^(?:商务|行政|标准|海景|景观|家庭|亲子|单人|双人|江景|山景)/;
/** Words ending in 得 that are no complement (难得放假, 值得, 全得靠自己): jieba keeps them whole. */
const DE_WORDS = new Set(['难得', '全得', '值得', '懂得', '记得', '觉得', '免得', '省得', '获得', '取得', '显得', '晓得', '舍得', '使得', '落得', '乐得', '怪得', '非得', '总得', '还得', '就得', '都得']);
/** A verb of belief or perception under a negator, with the emphasis on the negator (并不觉得, 从来没觉得, 完全没感觉到)
 * and a determiner before what it is about (不觉得这个…): what follows is a verdict the customer denies. */
const NEGATED_BELIEF = /(?:并|从来|从|根本|完全|压根|一点也|一点都|真)?(?:不|没有?)(?:觉得|认为|感觉到?|感到|觉着)(?:这个|那个|这|那|你们的?|他们的?|它的?|这家的?)?$/;
/** A fault the customer never met (没出现过卡顿, 从来没遇到过故障, 没有一次失望): what follows did not happen. */
const NEGATED_EXPERIENCE = /(?:从来|从|一直|还|都|也|再)?(?:没有?|未|不曾|从未)(?:出现|遇到|碰到|遇见|发生|出)过?(?:什么|任何|一次|一点|半点)?$|没有一次$/;
/** Who else may hold a view (他们就不觉得…, 客服根本不认为…): the business, its staff, or anyone but the customer. */
const OTHER_HOLDER = /(?:他|她|它|他们|她们|人家|对方|别人|你|您|你们|客服|商家|店家|卖家|老板|前台|服务员|经理|工作人员|师傅|酒店|银行|公司|平台|官方|厂家|售后)(?:就是|就|也|都|还|又|却|竟然|居然|仍然|依然|根本|完全|压根|并|倒)*$/;
/** Words that need the guard single characters get: they are ordinary words far more often than opinions. */
const GUARDED = new Set(['可以', '还行', '行', '正', '一般', '垃圾', '坑', '黑', '可爱', '麻烦', '标准', '规范', '推荐']);
const ACKNOWLEDGEMENTS = new Set(['好', '行', '可以', '对', '成']);
/** Nouns that name a time, place or manner rather than something a customer evaluates. */
/** The impression a thing made, ending a noun run (房间感觉): not part of the target. */
const IMPRESSION = /^(感觉|感受)$/;
/** What opens a verdict on the whole (总体感觉, 整体来说, 总之). */
const OVERALL = /(?:总体|整体|总的来说|总之|综合来看|总而言之)(?:感觉|来说|来看|而言|上)?(?:还|都|也|就|是)?$/;
const NON_ASPECT = new Set(['总体', '整体', '总的', '综合', '时候', '时', '时间段', '地方', '样子', '情况', '事', '事情', '事儿', '方面', '一下', '什么', '这个', '那个', '这样', '那样', '今天', '昨天', '现在', '之后', '以后', '以前', '当时', '每次', '一次', '这次', '上次', '感觉', '感受', '结果', '小时', '钟头', '分钟', '秒', '秒钟', '天', '半天', '周', '星期', '礼拜', '个月', '月', '年']);
/** Speed complements describe the action, so the gold convention keeps the verb: 送得很快, 来得也快. */
const SPEED = new Set(['快', '慢', '很快', '及时']);
/** Verbs of using something up; their speed reads the other way round. */
const DEPLETION = /(用|扣|耗|花|烧|消耗|掉电|耗电|扣费|扣钱|掉)得?$/;
const BUSINESS = new Set(['酒店', '宾馆', '银行', '平台', '商家', '店家', '公司', '本店', '该店', '这家店', '门店', '网店', '官方', '你们']);
// compounds longer than three words are almost always a phrase, not a target name
const MAX_ASPECT_TOKENS = 3;
const NOUN_TAGS = /^(n|nr|ns|nt|nz|ng|nrt|vn|eng|j)$/;

interface TokenIndex {
  at: Map<number, Token>;
  byStart: Map<number, Token>;
  byEnd: Map<number, Token>;
}
// Position lookups happen per character and per opinion; an index keeps long clauses linear.
const tokenIndexes = new WeakMap<Token[], TokenIndex>();
function indexOf(tokens: Token[]): TokenIndex {
  let idx = tokenIndexes.get(tokens);
  if (!idx) {
    idx = { at: new Map(), byStart: new Map(), byEnd: new Map() };
    for (const t of tokens) {
      for (let p = t.start; p < t.end; p++) idx.at.set(p, t);
      idx.byStart.set(t.start, t);
      idx.byEnd.set(t.end, t);
    }
    tokenIndexes.set(tokens, idx);
  }
  return idx;
}

function tokenAt(tokens: Token[], pos: number): Token | undefined {
  return indexOf(tokens).at.get(pos);
}

function isTokenStart(tokens: Token[], pos: number): boolean {
  return indexOf(tokens).byStart.has(pos);
}

function tokenEndingAt(tokens: Token[], pos: number): Token | undefined {
  return indexOf(tokens).byEnd.get(pos);
}

/** The customer is the subject before this point of the clause: 我 not as an object (给我, 跟我, 让我, 帮我…). */
function firstPersonSubject(before: string): boolean {
  const k = before.lastIndexOf('我');
  return k >= 0 && !/[给跟让帮对把替叫被和向]$/.test(before.slice(0, k)) && !/[，,]/.test(before.slice(k));
}

function lengthsByFirstUnit(words: Iterable<string>): Map<string, number[]> {
  const by = new Map<string, Set<number>>();
  for (const w of words) {
    if (!w) continue;
    let set = by.get(w[0]!);
    if (!set) by.set(w[0]!, (set = new Set()));
    set.add(w.length);
  }
  return new Map([...by].map(([c, set]) => [c, [...set].sort((a, b) => b - a)]));
}

const NO_LENGTHS: number[] = [];
/** Lengths of the sentiment words that may start at `text[i]`, longest first; the caller skips those running past its range. */
export const lengthsAt = (x: ExtractLexicon, text: string, i: number): number[] => x.wordLengths.get(text[i]!) ?? NO_LENGTHS;

/** Score of the first (longest-at-its-position) sentiment word in `text`, 0 when there is none. */
/** Whether `before` ends with a complaint word of the lexicon (耗电, 卡顿, 掉发). */
function afterComplaint(before: string, x: ExtractLexicon): boolean {
  for (let L = 1; L <= Math.min(4, before.length); L++) if ((x.sentiment.get(before.slice(-L)) ?? 0) < 0) return true;
  return false;
}

function firstSentimentWord(text: string, x: ExtractLexicon): number {
  for (let i = 0; i < text.length; i++) {
    for (const L of lengthsAt(x, text, i)) {
      if (L > text.length - i) continue;
      const v = x.sentiment.get(text.slice(i, i + L));
      if (v !== undefined && v !== 0) return v;
    }
  }
  return 0;
}

/**
 * Find opinions in one clause. `lc` is the lower-cased normalized text of the whole document part,
 * `tokens` the jieba tokens of this clause with document offsets.
 */
export function extractClause(lc: string, clause: Clause, tokens: Token[], x: ExtractLexicon): RawOpinion[] {
  if (clause.meta) return [];
  const lo = clause.contentStart;
  const hi = clause.end;
  const taken: boolean[] = new Array(hi - lo).fill(false);
  const found: RawOpinion[] = [];
  const seg = lc.slice(lo, hi);

  const mark = (s: number, e: number) => {
    for (let k = s; k < e; k++) taken[k - lo] = true;
  };
  const free = (s: number, e: number) => {
    for (let k = s; k < e; k++) if (taken[k - lo]) return false;
    return true;
  };

  // 1. multi-word patterns (rhetorical complaints, waiting times, 一X就Y) take precedence. A match lies in the clause,
  // but a lookbehind sees the earlier clauses of its sentence: what frames a clause is often told in the one before
  // (备注了不要香菜，还是放了; 说好免费升级，结果每月多收30; 网点说要找总行，总行让回网点办)
  const headStart = lo - headOfSentence(lc, lo).length;
  const sentence = lc.slice(headStart, hi);
  for (const k of x.lex.patternFilter.candidates(seg)) {
    const p = x.lex.patterns[k]!;
    p.re.lastIndex = lo - headStart;
    for (const m of sentence.matchAll(p.re)) {
      const s = headStart + m.index!;
      let e = s + m[0].length;
      const restAt = m.indices?.groups?.rest ? headStart + m.indices.groups.rest[0] : null;
      // a run of any characters stops where its length limit says, often inside a word (根本没说这个条|件):
      // finish the word when it is short, else give the partial word back
      const cut = p.freeTail ? tokenAt(tokens, e - 1) : undefined;
      if (cut && cut.end > e) {
        if (cut.end - e <= 2 && cut.end <= hi && free(e, cut.end)) e = cut.end;
        else if (cut.start > (restAt ?? s + 2)) e = cut.start;
      }
      if (!free(s, e)) continue;
      mark(s, e);
      const inner = p.negatesRest ? firstSentimentWord(restAt !== null ? lc.slice(restAt, e) : '', x) : 0;
      // the customer's own record (我从来没逾期过, 我投保前根本没看过病) is a fact they state, not a verdict; what they
      // never got from the business (我根本没收到短信, 我从来没人联系) still is
      if (p.negatesRest && inner === 0 && restAt !== null && (firstPersonSubject(lc.slice(lo, s)) || (/^[还也都就又而且]*$/.test(lc.slice(lo, s)) && /^(可是|但是|而且|因为|可|但)?我/.test(lc.slice(0, lo).split(/[。！？!?\n]/).pop() ?? ''))) && !/^(收到|接到|到账|人|回复|联系|解决|处理|通知|告知|告诉|提醒|说|讲|给|见|看到|听到|得到|拿到|退|办好|修好)/.test(lc.slice(restAt, e))) continue;
      const op = mk(s, e, lc.slice(s, e), p.score, p.category, true);
      if (p.role) op.role = p.role;
      if (inner !== 0) {
        op.score = -inner;
        op.negated = true;
      }
      found.push(op);
    }
  }

  function mk(s: number, e: number, core: string, score: number, cat: CategoryId | null, fromPattern: boolean): RawOpinion {
    return { start: s, end: e, coreStart: s, coreEnd: e, core, score, negated: false, degree: 1, patternCategory: cat, fromPattern, aspect: null, clause };
  }

  // 2. lexicon words, longest match first, left to right
  const coreEnds = new Set(found.map((o) => o.coreEnd));
  const scalar = x.lex.taxonomy.scalar;
  for (let i = lo; i < hi; i++) {
    if (taken[i - lo]) continue;
    let word: string | null = null;
    let sc = 0;
    // a four-character set phrase jieba keeps whole and made of two verdicts of one sign (热情周到, 方便快捷, 上当受骗)
    // is one verdict; read piecewise, neither half would be found inside it
    const here = tokenAt(tokens, i);
    if (here && here.start === i && here.end <= hi && here.word.length === 4 && !x.sentiment.has(here.word) && free(i, here.end)) {
      const a = x.sentiment.get(here.word.slice(0, 2));
      const b = x.sentiment.get(here.word.slice(2));
      if (a !== undefined && b !== undefined && Math.sign(a) === Math.sign(b) && a !== 0) {
        word = here.word;
        sc = Math.sign(a) * Math.max(Math.abs(a), Math.abs(b));
      }
    }
    for (const L of word === null ? lengthsAt(x, lc, i) : NO_LENGTHS) {
      if (L > hi - i) continue;
      const w = lc.slice(i, i + L);
      const v = x.sentiment.get(w);
      if (v !== undefined && free(i, i + L)) {
        word = w;
        sc = v;
        break;
      }
    }
    // a negator glued to the start of a longer word (不好 before 好听, 唔好食 → 不好食) negates that word instead of
    // hiding it: the word after it is read and 不 joins its phrase as a negation
    if (word !== null && word.length >= 2 && x.modifiers.get(word[0]!) === 'negation') {
      for (const L of lengthsAt(x, lc, i + 1)) {
        if (L > hi - i - 1) continue;
        if (L <= word.length - 1) break;
        const w = lc.slice(i + 1, i + 1 + L);
        if (w.startsWith(word.slice(1)) && x.sentiment.has(w) && free(i + 1, i + 1 + L)) {
          word = null;
          break;
        }
      }
      if (word === null) continue;
    }
    const afterCore = coreEnds.has(i);
    if (word === null && !afterCore && (scalar.higher.has(lc[i]!) || scalar.lower.has(lc[i]!))) {
      word = lc[i]!;
      sc = 0;
    }
    if (word === null) continue;
    // 不够 before praise says it falls short (服务不够好, 不够新鲜): a negator there, its own complaint elsewhere (分量不够)
    if (word === '不够' && praiseAt(lc, i + 2, hi, x)) continue;
    // 好好 before a verb is an adverb (好好查一下, "properly") and before 的 a state taken for granted (寄出去的时候好好的,
    // 明明走得好好的): no verdict; at a clause end it is colloquial praise (包装好好, 味道好好), and so is 好 + 好食/好看 …
    // ending the clause (好好食, 好好看啊)
    const twice = word === '好' ? here : undefined;
    const afterTwice = twice?.word === '好好' ? tokenAt(tokens, twice.end) : undefined;
    const senseVerb = afterTwice !== undefined && /^[食吃喝饮睇看玩听用闻]$/.test(afterTwice.word) && (afterTwice.end === hi || PARTICLES.test(lc.slice(afterTwice.end, hi)));
    if (word === '好' && twice?.word === '好好' && (lc[twice.end] === '的' || (afterTwice !== undefined && afterTwice.start === twice.end && afterTwice.tag.startsWith('v') && !senseVerb))) {
      i++;
      continue;
    }
    // 不是一般的好 is an intensifier, not a negated 一般
    if (word === '一般' && lc.slice(i - 2, i) === '不是' && lc[i + 2] === '的') continue;
    // 厉害 is praise (技术挺厉害) except as a degree complement after 得 (卡得很厉害, 疼得厉害), which the word before owns
    if (word === '厉害' && /得(很|太|特别|非常|好|挺|那么|这么|更|更加|越来越|也|还)?$/.test(lc.slice(Math.max(lo, i - 4), i))) continue;
    // … and right after a complaint, with or without a degree word (耗电特别厉害, 掉发很厉害, 卡顿厉害): the complaint's degree
    if (word === '厉害' && afterComplaint(lc.slice(lo, i).replace(/(很|太|特别|非常|好|挺|那么|这么|更|更加|越来越|也|还|是)+$/, ''), x)) continue;
    // 差点 / 差一点就 is "almost" (差点误机), not 差 + a little
    if (word === '差' && /^(?:一?点儿?)(?:就|没|被|把|让|要|误|摔|滑|迟|掉|错过|饿|冻|撞|晕|吓|哭|气|丢|忘|出|和|跟)/.test(lc.slice(i + 1, hi))) continue;
    // 还没用 / 没用过 is "not used yet", not "useless"
    if (word === '没用' && (/(还|尚|暂时|都还|也还)$/.test(lc.slice(Math.max(lo, i - 2), i)) || lc[i + 2] === '过')) continue;
    // nor after the customer or a "not even one" quantity: 我一天都没用, 一次也没用 ("did not use"), unlike 打了几次都没用
    if (word === '没用' && /(?:我们?|一个?(?:天|次|回|下|月|年|周|星期|分钟|小时|分钱))(?:都|也|还|根本|从来|压根|完全|几乎)*$/.test(lc.slice(lo, i))) continue;
    // 顺手 before a verb is "while at it" (还顺手帮我把路由器调好了), not "handy"
    if (word === '顺手' && /^(就|也|还)?(帮|把|给|替|将|拿|带|把|修|调|处理|解决|弄)/.test(lc.slice(i + 2, hi))) continue;
    // an A-not-A question on praise (好不好用, 好用不好用, 质量好不好) asks, it does not judge
    if (word.startsWith('不') && word.length >= 2 && lc[i - 1] === word[1] && (x.sentiment.get(word.slice(1)) ?? 0) > 0) continue;
    if (sc > 0 && lc.startsWith('不' + word, i + word.length)) {
      mark(i, i + 2 * word.length + 1);
      i += 2 * word.length;
      continue;
    }
    if (sc > 0 && (lc.slice(i - 2, i) === word[0] + '不' || lc.slice(i - word.length - 1, i) === word + '不')) continue;
    let e = i + word.length;
    // A-not-A on a complaint word is rhetorical (烦不烦, 坑不坑): the whole form carries the complaint
    const aNotA = sc < 0 && lc.startsWith('不' + word, e) && e + word.length + 1 <= hi;
    if (aNotA) e += word.length + 1;
    if (!aNotA && (word.length === 1 || GUARDED.has(word))) {
      const right = lc.slice(e, hi);
      // a contrast or addition right after the word closes the predicate (房间不大但很温馨)
      // so does the next target in an unpunctuated list (价格贵质量差, 网速太慢客服也不管); not after the
      // guarded words, whose attributive use (标准单人间, 一般窗户) is the common one
      const next = tokenAt(tokens, e);
      // (全 before a noun is "all of it": 全骨头渣子)
      const nextTarget = word.length === 1 && word !== '全' && next !== undefined && next.start === e && next.word.length >= 2 && isNounLike(next, x);
      // a 得 complement says how much (辣得我眼泪直流, 咸得发苦), an amount by how much (还贵二十)
      const degreeComplement = word.length === 1 && sc !== 0 && !DE_WORDS.has(word + '得') && DE_COMPLEMENT.test(right);
      const amount = (word === '贵' || scalar.higher.has(word) || scalar.lower.has(word)) && /^[0-9一二两三四五六七八九十百千几半]/.test(right);
      // 难 + a verb is "hard to do" (人工太难转, 车位难找): the verb ends the phrase
      const hardTo = word === '难' && next !== undefined && next.start === e && next.tag.startsWith('v') && next.word.length <= 2 && (next.end === hi || PARTICLES.test(lc.slice(next.end, hi)));
      if (hardTo) e = next.end;
      // the same verdict said again, with the same adverbs (很慢很慢很慢, 差差差; not 差没差), and nothing after the
      // repetition but more of it or the end of the predicate (not 好好吃, where 好 is an adverb): the repetition closes
      // the predicate as a particle would
      let from = i;
      while (from > lo && SINGLE_MOD_CHARS.has(lc[from - 1]!)) from--;
      const rep = lc.slice(from, i) + word;
      const afterRep = right.slice(rep.length);
      const again = !SINGLE_MOD_CHARS.has(word) && right.startsWith(rep) && (afterRep === '' || afterRep.startsWith(rep) || PARTICLES.test(afterRep) || RIGHT_SUFFIXES.some((s) => afterRep.startsWith(s)));
      const rightOk = hardTo || right === '' || PARTICLES.test(right) || RIGHT_SUFFIXES.some((s) => right.startsWith(s)) || /^(但|却|而且|并且|又|也)/.test(right) || nextTarget || degreeComplement || amount || again;
      const tok = tokenAt(tokens, i);
      let leftOk = true;
      // pieces jieba's HMM guessed (tag x) carry no word evidence, so they cannot veto a match
      if (tok && tok.tag !== 'x') {
        const pre = lc.slice(tok.start, i);
        const post = lc.slice(e, tok.end);
        // jieba glues 得 to the word before a degree complement (脏得|不行): the complement decides
        const complement = post === '得' && !DE_WORDS.has(tok.word) && (degreeComplement || RIGHT_SUFFIXES.some((x) => x.startsWith('得') && right.startsWith(x)));
        // jieba also glues a degree word of two characters (有点烦, 有些烦): a modifier is no other word
        // and a run of three or more it cut into words of its own (慢慢|慢慢|慢, as the dictionary's weights fall) is still
        // the repetition; a pair (慢慢, 棒棒) is left to jieba, which knows the adverbs among them
        const ownRepeat = again && word.length === 1 && lc.startsWith(word.repeat(3), i) && [...post].every((c) => c === word);
        leftOk = ([...pre].every((c) => SINGLE_MOD_CHARS.has(c)) || x.modifiers.get(pre) === 'degree') && (complement || ownRepeat || [...post].every((c) => TAIL_CHARS.has(c)));
      }
      if (!rightOk || !leftOk) continue;
      // the repetition is one emphatic verdict (差差差, 很慢很慢很慢), read in one go: one phrase per occurrence made a
      // clause of thousands of them quadratic in the expansion below
      if (again) while (e + rep.length <= hi && lc.startsWith(rep, e)) e += rep.length;
      // 老 before a noun is "old" or "long-standing" (老身份证, 老客户), never a verdict on it
      if (word === '老' && nextTarget) continue;
      // ambiguous words used attributively (推荐的产品, 一般的情况) are not verdicts
      if (GUARDED.has(word) && /^的[\u4e00-\u9fa5]/.test(right)) continue;
      // discourse "好的/好吧/行吧/可以的" opening a reply is politeness, not an opinion
      // (only an acknowledgement word: 还行吧 / 一般吧 opening a reply are hedged verdicts)
      // (read after a repetition taken in above: 可以可以，就这样吧 is the acknowledgement said twice)
      const rest = lc.slice(e, hi);
      if (i === lo && /^[的吧嘞啊]/.test(rest) && ACKNOWLEDGEMENTS.has(word)) continue;
      // a bare 好/行/可以 that is a whole clause is an acknowledgement (好，那麻烦你了)
      if (i === lo && rest === '' && ACKNOWLEDGEMENTS.has(word)) continue;
      // said twice (可以可以，那就这样; 行行行) it is still one
      if (i > lo && word !== '好' && ACKNOWLEDGEMENTS.has(word) && /^[的吧啊呀]?$/.test(right) && new RegExp(`^(?:${word})+$`).test(lc.slice(lo, i))) continue;
      // 麻烦了 / 那麻烦您了 closing a request is thanks for the trouble, not a complaint about it
      if (word === '麻烦' && /^(?:那|那就|好的|行|嗯)?$/.test(lc.slice(lo, i)) && /^(?:你|您|你们)?了?(?:师傅|小哥|大哥|哥|姐|美女|老师|哈|啊|呀|哦|啦|呢)?$/.test(right)) continue;
      // 卡 after 的/张/这/那 is the card (我的卡在外地消费了), not a lag
      // (真的卡 is "really laggy")
      if (word === '卡' && /(?:(?<!真)的|[张这那])$/.test(lc.slice(lo, i))) continue;
    } else if (!aNotA && !x.extraWords.has(word)) {
      const tok = tokenAt(tokens, i);
      if (!isTokenStart(tokens, i) && tok && tok.tag !== 'x' && ![...lc.slice(tok.start, i)].every((c) => SINGLE_MOD_CHARS.has(c))) continue;
      // nor may it stop inside a longer word (五星 in 五星级, 好评 in 好评率)
      const last = tokenAt(tokens, e - 1);
      if (last && last.end > e && last.tag !== 'x' && ![...lc.slice(e, last.end)].every((c) => TAIL_CHARS.has(c))) continue;
      // nor a word naming a product, room or plan (订的是豪华大床房, 点了超值套餐, 用快捷支付; taxonomy.yaml name_words):
      // right before a noun, after a verb or particle, it is part of a name; after a target (服务热情态度好), a degree
      // word (很实惠套餐) or at the start of its clause it still predicates
      const next = tokenAt(tokens, e);
      if (x.lex.taxonomy.nameWords.has(word) && next && next.start === e && /^(n|nz|ng|nt)$/.test(next.tag) && (PRODUCT_NOUN.test(next.word) || ROOM_PREFIX.test(next.word)) && !x.sentiment.has(next.word) && !x.modifiers.has(next.word) && !/[了过着]/.test(lc[next.end] ?? '') && lc[i - 1] !== '很') {
        const prev = tokenEndingAt(tokens, i);
        const modified = prev !== undefined && (x.modifiers.has(prev.word) || [...prev.word].every((c) => SINGLE_MOD_CHARS.has(c)));
        // (the whole word is skipped: 超值 read again from 值 would come back as 超 + 值)
        if (prev && !modified && !isNounLike(prev, x)) {
          i = e - 1;
          continue;
        }
      }
    }
    // thanks that are the whole clause (好的，感谢感谢; 感谢您) close a call politely; 太感谢了 / 非常感谢 are words of their own
    if (word === '感谢' && i === lo && /^(?:感谢)*(?:你|您|你们)?[啦啊了哈呀]*$/.test(lc.slice(e, hi))) {
      mark(i, hi);
      i = hi - 1;
      continue;
    }
    // 不如 compares against what follows (还不如快捷酒店): the object is part of the opinion
    if (word === '不如') {
      while (e < hi && e - i < 10 && !/[,，。!！?？\s]/.test(lc[e]!)) e++;
    }
    const op = mk(i, e, word, sc, null, false);
    op.coreEnd = i + word.length;
    mark(i, e);
    found.push(op);
    coreEnds.add(op.coreEnd);
    i = e - 1;
  }

  found.sort((a, b) => a.coreStart - b.coreStart);
  // coordinated evaluations with nothing between them are one opinion (新鲜饱满, 干净整洁)
  for (let k = found.length - 1; k > 0; k--) {
    const a = found[k - 1]!;
    const b = found[k]!;
    if (a.end === b.start && !a.fromPattern && !b.fromPattern && a.score !== 0 && Math.sign(a.score) === Math.sign(b.score) && a.core.length >= 2 && b.core.length >= 2) {
      a.end = b.end;
      a.coreEnd = b.coreEnd;
      a.core = a.core + b.core;
      a.score = Math.sign(a.score) * Math.max(Math.abs(a.score), Math.abs(b.score));
      found.splice(k, 1);
    }
  }
  for (const op of found) expand(op, lc, lo, hi, tokens, x, found);
  // expansion can swallow a neighbouring core (涨了不少 contains 少): keep the phrase that owns it
  for (let k = found.length - 1; k >= 0; k--) {
    const op = found[k]!;
    if (found.some((o) => o !== op && o.start <= op.coreStart && op.coreEnd <= o.end && !(op.start <= o.coreStart && o.coreEnd <= op.end && k < found.indexOf(o)))) found.splice(k, 1);
  }

  // a person's character (快递员人挺好, 师傅人真好): 人 is part of the verdict, the person its target
  for (const op of found) {
    const ren = tokenEndingAt(tokens, op.start);
    const who = ren && ren.word === '人' && ren.start > lo ? tokenEndingAt(tokens, ren.start) : undefined;
    if (ren && who && who.start >= lo && isPerson(who) && op.score !== 0 && !found.some((o) => o !== op && o.start < op.start && ren.start < o.end)) op.start = ren.start;
  }
  for (const op of found) op.aspect = trailingTarget(op, lc, hi, tokens, x) ?? findAspect(op, lc, lo, tokens, x, found) ?? ownTarget(op, lc, tokens, x);
  // a verdict the customer says they do not hold (不觉得贵, 我并不觉得网速慢, 没感觉信号差, 真没觉得好), or a fault they
  // never met (没出现过卡顿), is denied: the negated verb of belief or experience is part of the phrase and turns it
  // round, also across the target it names (不觉得房间小 keeps 房间 as its target, inside the phrase). Asked (你不觉得很贵吗？) it asserts what it seems to deny, and stays as it was.
  if (!clause.question) {
    for (const op of found) {
      const head = op.aspect && op.aspect.end <= op.start ? op.aspect.start : op.start;
      const before = lc.slice(lo, head);
      // (never having met a fault, 没遇到过故障, is praise; never having met one this bad, 没遇到过这么差的, is not)
      const m = NEGATED_BELIEF.exec(before) ?? (/这么|那么|如此|这样|这种|更/.test(lc.slice(op.start, op.coreStart)) ? null : NEGATED_EXPERIENCE.exec(before));
      if (!m) continue;
      const at = head - m[0].length;
      if (found.some((o) => o !== op && o.start < head && at < o.end)) continue;
      // someone else not seeing a fault (人家就不觉得有问题, 客服就是不认为机器有问题) is no verdict of the customer's
      if (OTHER_HOLDER.test(lc.slice(lo, at))) continue;
      op.start = at;
      op.negated = !op.negated;
      op.score = -op.score;
    }
  }
  // one evaluation shared by coordinated targets: 信号、资费都比原来好 → two opinions
  for (const op of [...found]) {
    let a = op.aspect;
    while (a && lc[a.start - 1] === '、') {
      const prevAspect: FoundAspect | null = findAspect({ ...op, start: a.start - 1 }, lc, lo, tokens, x);
      if (!prevAspect) break;
      found.push({ ...op, aspect: prevAspect });
      a = prevAspect;
    }
  }

  // scalar words (高/低/大/小/多/少) only carry polarity through their aspect
  for (const op of found) {
    if (op.score !== 0 || op.fromPattern) continue;
    const lowerWord = scalar.lower.has(op.core);
    const higherWord = scalar.higher.has(op.core);
    if (!lowerWord && !higherWord) continue;
    const phrase = lc.slice(op.start, op.end);
    // without an adjacent target, the noun nearest before it in the clause decides when the taxonomy knows it
    // (分期利息算下来比说的高很多: the interest is higher), unless another opinion sits between them (房间霉味很重);
    // linking it as the aspect happens later
    const last = op.aspect ? null : nounRuns(tokens, Math.max(lo, op.start - MAX_LINK_CHARS), op.start, x).pop();
    const known = last && last.parts.some((t) => x.lex.taxonomy.aspectIndex.has(t.word) || x.extraAspects.has(t.word)) && !found.some((o) => o !== op && o.start >= last.end && o.end <= op.start);
    const target = op.aspect ?? (known ? last : null);
    let s = 0;
    if (phrase.includes('偏')) s = -1;
    else if (target) {
      const a = lc.slice(target.start, target.end);
      const inSet = (set: Set<string>) => set.has(a) || [...set].some((t) => t.length >= 2 && a.endsWith(t));
      if (inSet(scalar.benefit)) s = higherWord ? 1 : -1;
      else if (inSet(scalar.cost)) s = higherWord ? -1 : 1;
    }
    // 太 and 过于 say "more than it should be" whichever way the word points (油太多, 枕头太高, 驿站太小), of a thing;
    // not denied (没有太多的优惠 is no praise), not a limit the customer sets (不能要求太高), nor what someone did
    // too much of (没带太多现金, 吃太多)
    if (s === 0 && !op.negated && /太|过于/.test(lc.slice(op.start, op.coreStart))) {
      const before = tokenEndingAt(tokens, op.start);
      const did = before && before.tag.startsWith('v') && !/^(?:是|有)$/.test(before.word);
      const after = tokenAt(tokens, op.end);
      const attributive = after && after.start === op.end && after.word.length >= 2 && after.tag.startsWith('n');
      // (比速溶顺口太多 is "by far", a comparison's degree)
      const compared = /比[^，。！？,!?]*$/.test(lc.slice(lo, op.coreStart));
      if (!did && !attributive && !compared && !/(?:没|不能|不可能|不可以|别|不要|不用|不必|无需|不会|要求)[^，。！？,!?]{0,4}$/.test(lc.slice(lo, op.start))) s = -1;
    }
    op.score = op.negated ? -s : s;
  }

  // X比你们快多了: the other business is better at it, so the verdict on this one is the opposite of the word's
  // (电信比你们便宜二十块 is a price complaint); 比你们以前 compares this business with itself
  for (const op of found) {
    const upTo = lc.slice(Math.max(lo, op.coreStart - 12), op.coreEnd);
    const them = /比(?:你们|你家|您家|贵行|贵司|贵公司)(?!以前|之前|原来|上次|上个?月|去年|前年|过去|那时|的?(?:另|别的|其他))[^，。！？,!?\s]*$/.exec(upTo);
    // (没有比你们更实惠的 is a superlative; 你们的App比你们的网页好用 compares this business with itself)
    if (them && !/(?:没有|没)$/.test(upTo.slice(0, them.index)) && !/你们|你家/.test(upTo.slice(0, them.index))) op.score = -op.score;
    // the past was better (以前比现在好太多了): a verdict on now, the other way round
    else if (/(?:以前|之前|原来|过去|去年|当初)[^，。！？,!?\s]{0,4}比(?:现在|如今|今年)[^，。！？,!?\s]*$/.test(upTo)) op.score = -op.score;
  }

  // wishes and requests (希望快一点, 麻烦尽快处理, 如果能便宜点就好了; not 主要是) describe what the customer wants, and
  // expectations (本来以为会很难吃) what they feared: neither is what happened
  // worries (担心理赔会很麻烦, 会不会涨价) and announced changes (下个月起要涨价) neither; what was worried about
  // (最担心的售后问题也处理得很及时) is a noun, and what follows it happened
  const request = /(希望|建议|麻烦|(?<![申邀聘宴])请|能否|可否|如果|(?<![主只需想重])要是|假如|倘若|万一|如(?=有|遇)|以为|(?<!不用|不必|无需|别|不)担心(?!的(?!是))|害怕|生怕|就怕|最怕(?!的(?!是))|可能会|会不会|(?:下个?月|下周|明年|下季度|将来|以后)(?:起|开始)?(?:就|也)?(?:会|要|将))/.exec(seg);
  // the consequence of a condition or counterfactual in the clause before (如果导游少带几个购物点，这趟就完美了;
  // 要不是客服态度好，这差评我早就给了) is imagined too
  const sentenceHead = lc.slice(headStart, lo);
  const previousClause = sentenceHead.replace(/[，,；;：:\s]+$/, '').split(/[，,；;：:]/).pop() ?? '';
  const ifAt = previousClause.search(/如果|(?<![主只需想重])要是|假如|倘若|万一|要不是/);
  // (如果超时就自动取消订单，那也太不人性化了: the condition has its own result, the next clause judges it)
  const consequence = ifAt >= 0 && !/[就便则会]/.test(previousClause.slice(ifAt + 2)) && /^(?:那么?|就(?!是)|那就|则|肯定|一定|也?会|早就|我就|也就|这[^，,]{0,4}就)/.test(seg);
  const competitor = otherBusiness(sentenceHead, seg);
  const reported = reportedClaim(seg, clause.question);
  if (reported) {
    clause.reported = { start: lo + reported.from, end: lo + reported.to };
    if (reported.open) clause.reported.open = { quote: reported.open, from: hi };
    // the verb ends its clause and the quotes open the next (你们承诺："宽带绝对稳定")
    const next = reported.from === seg.length ? /^ ?[:：,，] ?(["“「『])/.exec(lc.slice(hi)) : null;
    if (next) clause.reported.open = { quote: QUOTE_CLOSE[next[1]!]!, from: hi + next[0].length };
  }
  return found.filter((op) => {
    if (op.score === 0) return false;
    // evaluation words and event patterns give way to wishes, conditions and questions; fixed phrases of judgement do not
    const weak = !op.fromPattern || !!op.role;
    // what an agent, a salesperson or an ad said or promised (客服跟我说网络很稳定, 当初说稳赚不赔) is their claim,
    // not the customer's verdict; the verdict is what follows (结果天天掉线)
    if (reported && lo + reported.from <= op.start && op.start < lo + reported.to) return false;
    // an adjective turned adverb (耐心地帮我) describes how something was done, not a verdict, unless a degree word
    // grades it and the doer is not the customer (客服很耐心地给我讲了半天, not 我很耐心地等着): that is how they served
    if (lc[op.coreEnd] === '地' && tokenAt(tokens, op.coreEnd)?.word === '地' && op.end === op.coreEnd && op.core.length >= 2 && !op.fromPattern) {
      const graded = op.start < op.coreStart && x.modifiers.get(lc.slice(op.start, op.coreStart)) === 'degree';
      if (!graded || firstPersonSubject(lc.slice(lo, op.start))) return false;
    }
    // (an announced change judged as it is told, 明年起要涨价太离谱了吧, is judged now)
    if (request && lo + request.index < op.start && weak && !(ANNOUNCED.test(request[0]) && op.score < 0 && DECISION_VERDICT.test(op.core))) return false;
    if (consequence && weak) return false;
    // a trait the customer owns up to (我这人比较粗心, 我比较笨) describes the customer, not the service
    if (!op.fromPattern && op.score < 0 && /^(?:粗心|马虎|笨|糊涂|强硬|难搞|老土|随便|无聊|懒|磨叽|磨蹭|啰嗦|墨迹)$/.test(op.core) && firstPersonSubject(lc.slice(lo, op.start))) return false;
    // and so does their own lateness (我迟到了十分钟; 我们的外卖迟到了 is the service's)
    if (!op.fromPattern && op.core === '迟到' && /我们?(?:今天|这次|上次|又|也|还|都|就|已经|稍微|有点|不小心)*$/.test(lc.slice(lo, op.start))) return false;
    // With the negator inside the phrase, 别太X turns no fault into praise: on how food is made (别太辣) it is an
    // order note, on anything else (你们别太过分了, 别太坑) an indignant complaint that keeps the fault.
    const turned = op.negated && op.score > 0 ? /^(?:不要|别)(?:太|过于|那么)(.*)$/.exec(lc.slice(op.start, op.end)) : null;
    if (turned) {
      if (/^(?:辣|甜|咸|油|腻|淡|酸|苦|烫|凉|冰|硬|软|干|稀|多|少|大|小|晚|早)/.test(turned[1]!)) return false;
      op.score = -op.score;
      op.negated = false;
    }
    // an order note (不要太甜, 别太辣) asks for something; 不要太好 is colloquial praise; 别 inside a word (识别太慢,
    // 区别太大) is no order
    // (不要太差 of anything else is the colloquial "could not be worse": 前台真的是不要太差)
    if (op.score < 0 && /(?:不要|(?<![识区分辨鉴告特级类个性差道派职送])别|不用|不必)$/.test(lc.slice(Math.max(lo, op.start - 3), op.start)) && /^(?:太|过于|偏|有点)/.test(lc.slice(op.start, op.end)) && !(/不要$/.test(lc.slice(lo, op.start)) && /^太/.test(lc.slice(op.start, op.end)) && /^(?:差|烂|坑|慢|贵|脏|乱|假|糟|恶心|离谱|过分)/.test(op.core))) return false;
    // the customer's own mishap (我不小心摔坏了, 自己手滑摔碎了, 我自己没仔细看条款) or state (我身体不舒服), and a feeling
    // they mean to give someone (想让她开心一下, 为了不让孩子失望), are no verdict on the business
    if (op.score < 0 && (/^(?:我|我们|自己|我自己)?(?:一|又)?(?:不小心|手滑)[^，。！？,!?\s]{0,4}$/.test(lc.slice(lo, op.start)) || /自己没(?:仔细|注意|看清|看|留意|检查|问清楚|搞清楚)/.test(lc.slice(lo, op.end)))) return false;
    if (/(?:(?<![让使令得叫给])我|身体)(?:有点|有些)?$/.test(lc.slice(lo, op.start)) && /^(?:不舒服|难受)/.test(op.core)) return false;
    if (/(?:想|为了|希望|要)不?(?:让|使|令)[^，。！？,!?]{0,4}$/.test(lc.slice(lo, op.start)) && /^(?:开心|高兴|失望|满意|惊喜|放心|难过|伤心|感动|舒服)/.test(op.core)) return false;
    // an A-not-A after 不管/无论/不论 says "whether or not", it judges nothing (根本不管客户亏不亏); alone it is
    // rhetorical (烦不烦, 你说这网速慢不慢) and stays
    if (/^([\u4e00-\u9fa5]{1,2})[不没]\1/.test(lc.slice(op.coreStart, op.end)) && /(?:不管|无论|不论)[^，。！？,!?]{0,8}$/.test(lc.slice(lo, op.coreStart))) return false;
    // 论X，…没谁了 ("when it comes to X, nobody beats it") ranks the business first: no sarcasm to read there
    if (op.score < 0 && /没谁了$/.test(lc.slice(op.start, op.end)) && /论[^。！？!?\n]{1,12}$/.test(lc.slice(Math.max(0, op.start - 13), op.start))) return false;
    // what the customer wrote or said themselves, told as clear to show the fault was not theirs (地址明明写得清清楚楚还送错,
    // 我备注得很清楚, 明明说得明明白白): no praise; the business's own clear wording (说明书写得很清楚, 客服讲得很明白) is
    if (op.score > 0 && /(?:清楚|明白|详细)/.test(op.core) &&
      /(?:明明|(?<![让叫给])我们?|备注|地址|门牌号?)(?:里|上|都|已经|也|明明|早就|早|就|可是|是)*(?:(?:跟|和|给|向|对)[^，。！？,!?\s]{1,4}?)?(?:写|填|备注|标注|标|注明|说|讲|交代|强调)得?$/.test(lc.slice(lo, op.start) + lc.slice(op.start, op.coreStart).replace(/(?:很|挺|非常|特别|十分|够|太)+$/, ''))) return false;
    // a time of day and 才到 (下午四点才到, 第二天才来) is lateness only against a time promised before it in the sentence
    // or an order placed (约好上午来，下午四点才到; 说好中午送到，晚上才到; 十点四十下单，快一点才到); alone it is often the
    // customer's own arrival (晚上十点才到酒店)
    if (op.fromPattern && op.patternCategory === 'efficiency' && LATE_ARRIVAL.test(lc.slice(op.start, op.end)) && !/(?:约好|约了|约的|说好|预约|定好|答应|承诺|保证|预计|显示|能送达|能到|下单|点的|订的|定的)[^。！？!?\n]{0,16}$/.test(lc.slice(Math.max(0, op.start - 24), op.start))) return false;
    // 没用 + 完/过/几次 is what was not used up or not used yet (流量明明没用完, 才没用几次就坏了), not "useless"
    if (op.core === '没用' && /^(?:完|过|掉|几|多久|多少|上|到)/.test(lc.slice(op.coreStart + 2, hi))) return false;
    // a rating someone asks the customer for (骑手还让我给好评, 商家要我给五星) is theirs, not the customer's verdict
    if (op.score > 0 && /^给(?:满分|五星|五颗星|好评)/.test(lc.slice(op.start, op.end)) && /(?:让|叫|逼|求|要求|非要|催|要)(?:我|我们|顾客|客户|用户)$/.test(lc.slice(lo, op.start))) return false;
    // ... and so is the bad rating they ask the customer not to give (骑手还让我别给差评, 求我不要给差评)
    if (op.score < 0 && /^给(?:差评|一星|零分|低分)/.test(lc.slice(op.start, op.end)) && /(?:让|叫|求|要求|求着|请|希望)(?:我|我们|顾客|客户|用户)(?:千万)?(?:别|不要|不要再|别再)$/.test(lc.slice(lo, op.start))) return false;
    // X就好 / X就行了 says what would do (能降就好, 下次打包仔细点就好), and praise asked for a bit more of (仔细点就好,
    // 快点吧) is a request: neither reports what happened
    if (op.score > 0 && /^就(?:好|行|可以)了?$/.test(lc.slice(op.start, op.end)) && op.start > lo) return false;
    if (op.score > 0 && /(?<!有)(?:一?点儿?)$/.test(lc.slice(op.coreStart, op.end)) && /^(?:就好|就行|就可以|吧|啊|哈|嘛)/.test(lc.slice(op.end, hi)) && !/比/.test(lc.slice(lo, op.coreStart))) return false;
    // 涨价的话我就销号, 方便的话放门卫室: a condition, not a report
    if (lc.startsWith('的话', op.end) && weak && !/[说讲骂]/.test(lc.slice(lo, op.start))) return false;
    // what another business did (之前住的那家隔音太差, 同事在别家买的被拒赔了) is no verdict on this one; a comparison
    // with this one (隔壁那家比你们快多了) is, and was turned round above
    if (competitor && lo + competitor.at <= op.start && !/比/.test(seg)) return false;
    // what happened, asked about (请问是不是只能退一半？), is a question like a weak evaluation word, unless the
    // asking is indignant (他电话都没打一个就说地址不详？)
    if (op.role && !op.rhetorical && (clause.question || /(是不是|有没有|能不能|可不可以|会不会)/.test(lc.slice(lo, op.start))) && !/(一直|老是|总是|根本|都|太|这么|那么)/.test(lc.slice(op.start, op.end))) return false;
    // a condition for getting in touch (有问题请联系我, 不满意可以找客服) describes no experience
    if (!op.fromPattern && /^(的话)?(请|可以|可|就|随时|欢迎|麻烦|务必)?(联系|找|咨询|私信|留言|拨打|致电|反馈|告诉)/.test(lc.slice(op.end, hi))) return false;
    // praise bought with a rebate (好评返现, 五星有礼) is the merchant's offer, not the customer's verdict
    if (/^(返现|返|有礼|有奖|送(?!给)|截图)/.test(lc.slice(op.end, hi)) && (implicitFor(x, op.core)?.category === 'other')) return false;
    // a bare single character is only an evaluation when it predicates a noun or stands alone
    // (服务好, 爽!); after a verb it is a result complement (换好了, 装好, 做完)
    if (op.core.length === 1 && op.start === op.coreStart) {
      const prevChar = lc[op.start - 1] ?? '';
      let prev = tokenEndingAt(tokens, op.start);
      // 分量也足, 网络真的卡: look through 也/都/又 and adverbs the phrase did not take to the subject, and through a
      // concession or contrast written after it (价格虽然贵, 房间却小)
      // (not a one-character one: 好 in 隔音好贵点 is an adjective)
      for (let k = 0; k < 2 && prev && (/^(也|都|又|还|虽然|虽说|尽管|虽|却)$/.test(prev.word) || (prev.word.length >= 2 && x.modifiers.has(prev.word) && x.modifiers.get(prev.word) !== 'negation')); k++) prev = tokenEndingAt(tokens, prev.start) ?? prev;
      // 鸡块是凉的, 汤都是凉的: a fault in the 是…的 frame predicates the noun before 是 (房是好的 tells which one works);
      // with 都/全 it is a verdict on all of them, whatever comes before (买回来都是坏的, 三个有两个都是坏的)
      let allOfThem = false;
      if (prev && op.score < 0 && /^(?:是|都是|也是|还是)$/.test(prev.word) && lc[op.coreEnd] === '的') {
        allOfThem = /(?:都|全)是$/.test(lc.slice(lo, op.start));
        prev = tokenEndingAt(tokens, prev.start) ?? prev;
        if (prev && /^(也|都|又|还)$/.test(prev.word)) prev = tokenEndingAt(tokens, prev.start) ?? prev;
      }
      const standalone = allOfThem || op.start === lo || /[\s,，。!！?？~～]/.test(prevChar);
      // a verb jieba tags as a noun (设置, 安装, 调试) then 好了 is the job done (我帮我妈设置好了手机, 把网络设置好了), not a
      // verdict on it; a term the taxonomy knows (服务好了很多, 包装好了) is still judged
      const jobDone = prev !== undefined && prev.tag === 'vn' && op.core === '好' && lc[op.coreEnd] === '了' && !x.lex.taxonomy.aspectIndex.has(prev.word) && !x.extraAspects.has(prev.word);
      const afterNoun = prev !== undefined && !jobDone && ((isNounLike(prev, x) && (prev.word.length >= 2 || prev.tag === 'n')) || /^(觉得|感觉|显得|觉着|算|现在|如今|目前|以后|之后|后来)$/.test(prev.word));
      if (!standalone && !afterNoun) return false;
    }
    // a failure asked about (为什么我的优惠券用不了？) is a question like any other weak opinion
    if (clause.question && (!op.fromPattern || FAILURE.test(op.core)) && !op.rhetorical && Math.abs(op.score) < 2) {
      const phrase = lc.slice(op.start, op.coreStart);
      // 这么/那么 mark a complaint (怎么这么慢？) unless the phrase only describes a noun (这么简单的问题为什么…？)
      const attributive = /^的[\u4e00-\u9fa5]/.test(lc.slice(op.end, hi));
      // why-questions about a change for the worse complain (保费怎么比去年贵了这么多？ 为什么又断网了？)
      const why = op.score < 0 && /(怎么|为什么|为啥|咋|凭什么)/.test(lc.slice(lo, op.start)) && /(比|又|老|总)/.test(lc.slice(Math.max(lo, op.start - 2), op.coreStart));
      // (咁 is the Cantonese 这么: 點解咁貴？)
      // so is disbelief that it could happen at all (这都能发错？ 这也能算优惠？)
      const indignant = op.score < 0 && /(?:这都能|这也能|这样都能|居然|竟然|还能)$/.test(lc.slice(lo, op.start));
      if (!why && !indignant && (!/(一直|老是|总是|根本|都|太|这么|那么|咁)/.test(phrase) || (attributive && !/(一直|老是|总是|根本|都|太)/.test(phrase)))) return false;
    }
    return true;
  });
}

/**
 * The sentence up to `pos`: from the last 。！？!? line break or full stop (not a decimal point) before it, at most
 * HEAD_WINDOW characters back, so that a text of one endless sentence costs linear time, not quadratic.
 */
const HEAD_WINDOW = 200;
function headOfSentence(lc: string, pos: number): string {
  const floor = Math.max(0, pos - HEAD_WINDOW);
  for (let k = pos - 1; k >= floor; k--) {
    const c = lc[k]!;
    if (c === '。' || c === '！' || c === '？' || c === '!' || c === '?' || c === '\n' || (c === '.' && !/[0-9]/.test(lc[k + 1] ?? ''))) return lc.slice(k + 1, pos);
  }
  return lc.slice(floor, pos);
}

/** An announced change (下个月起要…) among the request words of extractOpinions. */
const ANNOUNCED = /^(?:下个?月|下周|明年|下季度|将来|以后)/;
/** Verdicts on a decision: said of an announced change they judge it as told, not a future state. */
const DECISION_VERDICT = /^(?:离谱|离大谱|过分|不合理|坑|坑人|太坑|黑|太黑|霸道|霸王|无语|扯|扯淡|荒唐|荒谬|搞笑|可笑|过河拆桥|欺负人|不讲理|不讲道理)$/;

/**
 * Names of another business than the one reviewed: 别家, 隔壁那家, 之前住的那家, 同事在平安买的. Not 其他/有的 + a
 * business: 其他酒店缺少的古朴环境 and 就其他酒店来说 praise this one by contrast.
 */
const OTHER_BUSINESS = /(?<![告离辞])别家(?![具人里乡属])|别的(?:店|家(?![具人里乡属])|银行|平台|公司|酒店|商家|快递|运营商)|隔壁(?:那家|店|那个店|的店)|另一家|(?:之前|以前|上次|上回)(?:住的|用的|去的|买的|点的|办的)?那家|(?:朋友|同事|家人|邻居|同学|亲戚)在(?!这|你们|贵|本)[^，。！？,!?]{1,6}(?:买|办|住|点|投保)的/;
/** What other businesses lack (别的酒店没有的海景阳台) is praise of this one by contrast. */
const LACKED = /^[^，。！？,!?]{0,2}(?:没有|缺少|缺乏|少有|不具备|比不上)的/;
/** Words that bring the reviewed business back in (你们, 这家) or turn to what happened to the customer (但, 结果). */
const BACK_HERE = /你们|你家|您家|他家|他们家|贵行|贵司|贵公司|这家|这(?:个|间)?(?:店|酒店|宾馆|民宿|银行|网点|营业厅|平台|商家|店家|公司|快递)|本店|这边|这里|这次|现在|但|可是|结果|而|转过来|换过来|转到|换到/;
/**
 * Where in `seg` (the clause) talk about another business applies: from the start of the clause when an earlier clause
 * of the sentence named one, from the name when the clause does; null when this business comes back first.
 */
function otherBusiness(sentenceHead: string, seg: string): { at: number } | null {
  const comesBack = (text: string, name: RegExpExecArray) => {
    const after = text.slice(name.index + name[0].length);
    return BACK_HERE.test(after) || LACKED.test(after);
  };
  const here = OTHER_BUSINESS.exec(seg);
  if (here) return comesBack(seg, here) ? null : { at: here.index };
  const before = OTHER_BUSINESS.exec(sentenceHead);
  if (!before || comesBack(sentenceHead, before) || BACK_HERE.test(seg)) return null;
  // a comparison (存款利率比别家高一点，还算良心) judges this business, and so does what follows it
  if (/比/.test(sentenceHead.slice(Math.max(0, sentenceHead.slice(0, before.index).search(/[，,；;][^，,；;]*$/))))) return null;
  return { at: 0 };
}

// Who makes a claim the customer reports: staff, the business, its ads and documents, a past moment (当初说…), or
// hearsay (网上说, 评论区好多人说); a friend or relative relaying their own use (女朋友说很好看) is feedback on the product
const CLAIMANT = '(?:网友|网上|评论区?|评论里|别人|好多人|很多人|客服|坐席|座席|话务员|接线员|业务员|营业员|销售员?|经理|柜员|工作人员|员工|师傅|代理人|代理|中介|专员|小哥|小姐姐|对方|人家|你们|广告|宣传|官方|官网|商家|卖家|店家|页面|短信|合同|条款|当初|当时|之前|本来|原本|一开始|的时候|时)';
// A caller addresses the agent as 你 (你刚才说, 你不是说): only adverbs and time words may stand between it and the
// verb, so the customer's own words after a greeting (你好，我想说) never count, nor 你 inside a word (迷你)
const ADDRESSEE = '(?<![迷])你(?!们)(?:刚才|刚刚|之前|上次|上回|那天|昨天|前天|当时|当初|明明|不是|也|都|还|就|自己|一直|一开始|原来|电话里)*';
const CLAIM_VERB = '(?:说|讲|表示|保证|承诺|宣传|号称|声称|宣称|介绍|写着|写的是|告诉我|答应)';
const REPORTED = new RegExp(
  `(?:${CLAIMANT}[^，。！？,!?]{0,8}?(?:(?:跟|对|和|给|向)我)?${CLAIM_VERB}|${ADDRESSEE}(?:(?:跟|对|和|给|向)我)?${CLAIM_VERB}|(?:跟|对|和|向)我${CLAIM_VERB}|(?:号称|声称|宣称|承诺|保证|听说|据说|听人说|听别人说))`,
  'g',
);
// every claim has a verb of saying (说, 表示, 号称 …): a clause without one is not tried at each of its positions
const REPORTED_NEEDS = requiredLiterals(REPORTED.source) ?? [''];
// 说得很清楚 judges the speaking, 说话/说明/说法 are nouns, 说实话/说真的 are discourse markers, 说服 is
// persuading (but 说服务很好 is a claim about the service)
const NOT_A_CLAIM = /^(?:[得话明法实真白了的过完解究]|服(?!务))/;
/**
 * A clause prefix ending in what someone told the customer, with no claimant named (每次都说缺|东西, 跟我说要|材料):
 * a target inside it is the content of their words. Not the customer's own telling (我跟客服说|网络不好, 我都说了).
 */
const SAID_BEFORE = /(?<!(?<![跟对和给向])我们?[就也都还又已经一直每次总是]{0,4})(?<!我们?(?:跟|对|和|给|向)[^，。！？!?,]{1,4})说(?![得话明法实真白了的过完解究服])[^，。！？!?,]{0,8}$/;
/** Words opening quoted speech after the verb (你说：“…”, 客服表示了「…」): the claim is what the quotes hold. */
const QUOTE_OPEN = /^[了过]?\s?[:：,，]?\s?(["“「『])/;
const QUOTE_CLOSE: Record<string, string> = { '"': '"', '“': '”', '「': '」', '『': '』' };
/** The end of a claim: what actually happened (结果天天掉线, 其实限速, 但根本不够用, 说给我退的钱|到现在还没到账). */
const CLAIM_END = /结果|其实|实际|事实上|可是|但是|但|却|才发现|根本|(?:直到|到)(?:现在|今天|目前)|现在|至今|确实|果然|真的|亲自|亲身/;
/** A refusal by the business (办不了, 不给办, 不予受理) told as what staff said. */
const REFUSED = /(?:办|办理|受理|处理)不了|不(?:给|能|让|予)(?:办|办理|受理)/;
/** A question put to the listener (你说气人不气人? 你说这算什么服务) is the customer's own view asked rhetorically. */
const ASKS = /(.)不\1|是不是|有没有|算什么|什么|怎么|凭什么|吗|呢|[?？]/;

/**
 * A claim someone else made, reported by the customer (业务员说理赔很快; 营业员保证信号很好; 宣传的时候说够用), as
 * [from, to) offsets in `seg`: from the end of the verb to a word saying what really happened, or the clause end.
 * Quoted speech (你说“套餐很划算”) is the claim up to its closing quote; `open` when the quote runs on past the
 * clause (你说“网速很快，信号也好”). The customer telling staff something (我跟客服说网速太慢) is the customer's own
 * verdict.
 */
function reportedClaim(seg: string, question: boolean): { from: number; to: number; open?: string } | null {
  if (!REPORTED_NEEDS.some((w) => seg.includes(w))) return null;
  for (const m of seg.matchAll(REPORTED)) {
    const after = m.index + m[0].length;
    // 对…来说 frames a view (对于喜欢上网的人来说是个惊喜), it reports nobody's; 一听说 is "upon hearing"; the customer
    // posting online (我在网上发帖说) is the customer speaking
    if (m[0].endsWith('来说') || (m[0].startsWith('听说') && seg[m.index - 1] === '一')) continue;
    if (/我(?:在|去|到)?$/.test(seg.slice(0, m.index)) && /^(?:网上|网友|评论)/.test(m[0])) return null;
    const rest = seg.slice(after);
    const quote = QUOTE_OPEN.exec(rest);
    if (!quote && NOT_A_CLAIM.test(rest)) continue;
    if (/我们?(?:就|也|都|还|又|已经)?(?:跟|对|和|给|向|告诉)$/.test(seg.slice(0, m.index))) return null;
    if (quote) {
      const from = after + quote[0].length;
      const close = seg.indexOf(QUOTE_CLOSE[quote[1]!]!, from);
      return close >= 0 ? { from, to: close } : { from, to: seg.length, open: QUOTE_CLOSE[quote[1]!]! };
    }
    if (/^(?<![迷])你(?!们)/.test(m[0]) && (question || ASKS.test(rest))) return null;
    const end = CLAIM_END.exec(rest);
    // staff saying the business cannot be done (柜员说这个业务办不了) is the refusal the customer reports, not a claim
    // to weigh: the refusal is the complaint
    if (REFUSED.test(end ? rest.slice(0, end.index) : rest)) return null;
    return { from: after, to: end ? after + end.index : seg.length };
  }
  return null;
}

/**
 * Quoted speech that runs on past its clause (你说“网速很快，信号也好”，结果…) is a claim up to the closing quote:
 * the later clauses of the same sentence lose their opinions up to there, and their targets are the claim's.
 */
export function extendQuotedClaims(ops: RawOpinion[], lc: string, clauses: Clause[]): void {
  for (const c of clauses) {
    if (!c.reported?.open) continue;
    const close = lc.indexOf(c.reported.open.quote, c.reported.open.from);
    if (close < 0) continue;
    for (const k of clauses) {
      if (k === c || k.sentence !== c.sentence || k.start < c.end || k.start >= close) continue;
      k.reported = { start: k.contentStart, end: Math.min(close, k.end) };
    }
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.clause !== c && op.clause.sentence === c.sentence && op.start >= c.end && op.start < close) ops.splice(i, 1);
    }
  }
}

function expand(op: RawOpinion, lc: string, lo: number, hi: number, tokens: Token[], x: ExtractLexicon, all: RawOpinion[]) {
  const others = all.filter((o) => o !== op);
  const blocked = (pos: number) => others.some((o) => o.start <= pos && pos < o.end);
  let negCount = 0;
  const negWords: string[] = [];
  let degree = 1;
  let immediate: string | null = null;
  let adverbs = 0;
  let sawDegree = false;

  const leftModifiers = () => {
    let moved = true;
    while (moved) {
      moved = false;
      // one space between Chinese words is a word break in social posts (一直 报错): look past it
      const to = lc[op.start - 1] === ' ' && op.start - 2 >= lo && /[\u4e00-\u9fff]/.test(lc[op.start - 2]!) ? op.start - 1 : op.start;
      for (let L = Math.min(x.maxModLen, to - lo); L >= 1; L--) {
        const a = to - L;
        if (blocked(a)) continue;
        const w = lc.slice(a, to);
        const kind = x.modifiers.get(w);
        if (!kind) continue;
        // a modifier must begin a token, unless jieba glued it to what follows (不卡, 很快, 太贵)
        const tok = tokenAt(tokens, a);
        if (tok && tok.start !== a && tok.end <= to) continue;
        // one aspectual adverb at most, and none outside a degree word: 一直挺省心 → 挺省心, 还老是过期 → 老是过期
        if (kind === 'adverb' && (adverbs >= 1 || sawDegree)) continue;
        if (kind === 'adverb') adverbs++;
        if (kind === 'degree') sawDegree = true;
        if (kind === 'negation') {
          negCount += 1;
          negWords.push(w);
        }
        if (kind === 'degree') degree = Math.max(degree, x.lex.degrees.get(w) ?? 1);
        if (immediate === null) immediate = w;
        op.start = a;
        moved = true;
        break;
      }
    }
  };

  // a positive word in quotes is sarcasm: 真是“高效”啊
  const open = lc[op.start - 1] ?? '';
  const close = lc[op.end] ?? '';
  if (/["“‘'「]/.test(open) && /["”’'」]/.test(close) && op.start - 1 >= lo && op.end < hi) {
    op.start -= 1;
    op.end += 1;
    if (op.score > 0) op.score = -op.score;
  }
  // right side first: 贵一点, 方便好多, 烦死了
  let suffixHasLe = false;
  for (const s of RIGHT_SUFFIXES) {
    if (lc.startsWith(s, op.end) && op.end + s.length <= hi && !blocked(op.end)) {
      // a complement said twice (卡得不行不行, 好吃得要命要命) was read as a word of its own from its first character
      // (不行不行): the complement is this opinion's, repetition and all, so it takes the whole of that word, which
      // then goes as swallowed. Stopping inside it left two tags sharing 不行.
      const repeated = others.find((o) => o.start >= op.end && o.start < op.end + s.length && op.end + s.length < o.end);
      op.end = repeated ? repeated.end : op.end + s.length;
      suffixHasLe = s.includes('了');
      break;
    }
  }
  if (op.end === op.coreEnd && op.core.length === 1 && op.score !== 0 && !DE_WORDS.has(op.core + '得') && DE_COMPLEMENT.test(lc.slice(op.end, hi)) && !blocked(op.end)) op.end = hi;
  leftModifiers();
  // 越X越 says the thing got worse by being done (越改越难用, 越修越差), as 越来越 does: part of the phrase. Only a
  // complaint: praise that way (祝你们越做越好, 人家越做越好) is mostly a wish or about someone else, and a bare 好
  // kept by the longer phrase would become a tag it never was
  {
    const m = op.score < 0 ? /越[\u4e00-\u9fa5]{1,2}越$/.exec(lc.slice(lo, op.start)) : null;
    if (m && !blocked(op.start - m[0].length)) op.start -= m[0].length;
  }

  // a feeling caused (让人很反感, 太让人寒心, 挺让人放心, 没让我失望): the causative belongs to the phrase
  {
    // (让我 only under a negation, 没让我失望: 让我很难受 is a feeling the customer reports, the gold keeps it out)
    const causer = /(?:让人|令人|叫人|使人|(?<=(?:没|不|没有|从没|从不|从来没|从来不))让我)$/.exec(lc.slice(lo, op.start));
    if (causer && op.score !== 0 && !blocked(op.start - causer[0].length)) {
      op.start -= causer[0].length;
      leftModifiers();
    }
  }
  // comparatives: 比想象中方便好多, 都比原来好
  const window = lc.slice(Math.max(lo, op.start - 10), op.start);
  const bi = window.lastIndexOf('比');
  if (bi >= 0) {
    const b = Math.max(lo, op.start - 10) + bi;
    const between = lc.slice(b, op.start);
    // 比 has to be the comparative preposition, not part of a word (性价比, 比较, 对比)
    const bt = tokenAt(tokens, b);
    const own = !bt || bt.word === '比' || !(NOUN_TAGS.test(bt.tag) || /比[较如例率赛分]|[对相无好]比/.test(bt.word));
    if (own && !/[,，\s]/.test(between) && !others.some((o) => o.start >= b && o.end <= op.start)) {
      op.start = b;
      // X比X (一年比一年贵, 一次比一次慢): the repeated measure belongs to the phrase
      const measure = lc.slice(b + 1, op.coreStart).replace(/(更|还|越来越|都|也)+$/, '');
      if (measure.length >= 1 && measure.length <= 3 && lc.slice(b - measure.length, b) === measure && b - measure.length >= lo) op.start = b - measure.length;
      // 没有比这更差的: "nothing is worse than this" is a superlative, not a negation to flip
      const sup = /(没有|没)$/.exec(lc.slice(Math.max(lo, b - 2), b));
      if (sup && /[更还再]/.test(lc.slice(b, op.coreStart))) op.start = b - sup[0].length;
      leftModifiers();
    }
  }
  // "没有传说中那么差", "没有想象中慢": a negated comparison with expectations is one phrase
  {
    const before = lc.slice(lo, op.start);
    const m = /(没有|没)([^，。！？,!?\s]{0,5}(中|那样|那么|这么|的那么|得那么))$/.exec(before);
    // (没见过这么差的, 从来没遇到过这么慢的, 没住过这么差的, 没吃过这么难吃的: never having met, stayed in or eaten one this
    // bad is a superlative, not a denial)
    if (m && (immediate === '那么' || immediate === '这么' || m[2]!.length >= 2) && !/过/.test(m[2]!)) {
      const at = lo + m.index;
      if (!others.some((o) => o.start >= at && o.end <= op.start)) {
        op.start = at;
        negCount++;
        leftModifiers();
      }
    }
  }
  // trailing 了: part of the phrase (值了, 便宜了) except in the 太…了 frame
  // (越来越好了: the 了 of a change stays out, as in the 太…了 frame)
  // A pattern's core may itself open with 太 (太咸, 也太随意): the same frame, except thanks (太感谢了 keeps its 了).
  const taiFrame = immediate === '太' || immediate === '越来越' || (lc.slice(op.start, op.end).includes('太') && !/^太(?:感谢|谢谢)/.test(op.core));
  if (!suffixHasLe && lc[op.end] === '了' && op.end < hi && !taiFrame && !op.core.endsWith('了') && !isWait(op)) op.end += 1;
  // speed complements keep their verb: 送得很快; a word that only ends in 得 (觉得慢, 显得很慢, 记得很快) has no
  // complement, and the word is no part of the verdict
  if (SPEED.has(op.core)) {
    let a = op.start;
    if (lc[a - 1] === '也' && lc[a - 2] === '得') a -= 1;
    if (lc[a - 1] === '得' && a - 2 >= lo && /[\u4e00-\u9fa5]/.test(lc[a - 2]!) && !blocked(a - 2)) {
      const tok = tokenAt(tokens, a - 2);
      if (tok && tok.end - tok.start <= 2 && tok.start >= a - 2 && !DE_WORDS.has(tok.word)) op.start = a - 2;
    }
  }
  // a manner complement that is only praise through its verb keeps the verb: 讲得很清楚 (听得很清楚 is noise),
  // 写得清清楚楚, 算得明明白白 (a reduplicated AABB complement); 处理得挺及时 / 寫得太專業 stay as they are (dev gold)
  {
    const body = lc.slice(op.coreStart, op.coreEnd);
    const aabb = body.length === 4 && body[0] === body[1] && body[2] === body[3] && body[0] !== body[2];
    const clear = /^(清楚|明白|清晰)$/.test(body.replace(/^(很|挺|非常|特别|超|十分|都|也)+/, ''));
    // the verb before 得: its own token, or glued to 得 by jieba (讲得/x)
    const glued = tokenEndingAt(tokens, op.start);
    const verb = lc[op.start - 1] !== '得' ? undefined : glued && glued.word.length >= 2 && glued.word.endsWith('得') ? { start: glued.start, word: glued.word.slice(0, -1) } : tokenEndingAt(tokens, op.start - 1);
    if (verb && verb.start >= lo && verb.word.length <= 2 && /^[\u4e00-\u9fa5]+$/.test(verb.word) && !blocked(verb.start)) {
      if (aabb || (clear && /^(讲|说|解释|介绍|讲解|写|标|列|算)$/.test(verb.word))) op.start = verb.start;
    }
  }
  // a change or gap keeps its size: 涨了40%, 贵了一倍, 亏了30%, 省了300块
  {
    const size = /^了?(?:[0-9]+(?:\.[0-9]+)?%|百分之[一二三四五六七八九十几]+|[0-9一两二三四五六七八九十几]+倍|(?:[0-9]+|[一两二三四五六七八九十几百千]+)多?(?:块钱?|元|毛))/.exec(lc.slice(op.end, hi));
    if (size && /[涨贵亏降跌省便宜高低多少]了?$/.test(lc.slice(op.coreStart, op.end)) && !blocked(op.end)) op.end += size[0].length;
  }
  // a count or length that ends the clause is how much went wrong (or right), as the gold keeps 洒了一半 and
  // 折腾了三天: 慢了三天, 碎了两个, 掉线三次, 断了好几回. Only at the clause's end, so 好了三天又坏了 is not one.
  {
    const rest = lc.slice(op.end, hi);
    const qty = QUANTITY_TAIL.exec(rest);
    // 好评一个, 推荐一次: a count of praise is emphasis, not a measure
    const praiseCount = op.score > 0 && /^了?一(?:个|次)$/.test(qty?.[0] ?? '');
    if (qty && !praiseCount && (op.end === op.coreEnd || lc[op.end - 1] === '了') && /^[了的啊吧呀呢哦啦!！~～\s]*$/.test(rest.slice(qty[0].length)) && !blocked(op.end)) {
      op.end += qty[0].length;
    }
    // a directional complement finishes its verb: 还没退回来, 到现在都没寄过来 (the rules stop at 退 / 寄)
    const dir = /^(?:回来|回去|过来|过去|出来|下来|上来)/.exec(rest);
    if (dir && op.score < 0 && /没有?[\u4e00-\u9fa5]$/.test(lc.slice(op.start, op.end)) && /^[了的啊吧呀呢哦啦!！~～\s]*$/.test(rest.slice(dir[0].length)) && !blocked(op.end)) {
      op.end += dir[0].length;
    }
  }
  // 各种 before a verb phrase is "in every way" (各种找理由拒赔): it and the verb phrase belong to the complaint
  {
    const m = /各种([\u4e00-\u9fa5]{0,4})$/.exec(lc.slice(Math.max(lo, op.start - 6), op.start));
    const after = m && m[1] ? tokenAt(tokens, op.start - m[1].length) : undefined;
    const verbPhrase = !m?.[1] || (after !== undefined && after.start === op.start - m[1].length && after.tag.startsWith('v'));
    if (m && op.score < 0 && verbPhrase && !blocked(op.start - m[0].length)) op.start -= m[0].length;
  }
  // 莫名其妙 / 无缘无故 say what happened for no reason: the event is the complaint (莫名其妙停机了, 无缘无故扣了钱)
  if (/^(莫名其妙|无缘无故|平白无故)$/.test(op.core) && op.end === op.coreEnd) {
    const rest = lc.slice(op.end, hi);
    const ev = /^(?:地|的)?([^，。！？,!?\s]{1,6})/.exec(rest);
    if (ev && !blocked(op.end) && (ev[0].length === rest.length || /^[，。！？,!?\s]/.test(rest.slice(ev[0].length)))) {
      op.end += ev[0].length;
      if (op.score > 0) op.score = -op.score;
    }
  }
  // 一点都不好用, 一点也不好, 一分没降, 一次都没坏过: the emphatic "not even one" belongs to a negated word that carries
  // its own 不 or 没
  {
    // (not an ordinal: 第一口不错; a time or a bite is "not even once" only with 没: 一次都没坏过, 一口没动)
    const m = /(?<!第)(一点儿?|一丁点|一分钱?|一毛钱?|一口|一次|一个字|一句话?)(都|也)?$/.exec(lc.slice(Math.max(lo, op.start - 5), op.start));
    const negator = (w: string) => (/^一(?:点|丁)/.test(w) ? /^(都|也)?不/ : /^一(?:口|次)$/.test(w) ? /^(都|也)?没/ : /^(都|也)?(?:不|没)/);
    if (m && negator(m[1]!).test(lc.slice(op.start, op.coreEnd)) && !blocked(op.start - m[0].length)) op.start -= m[0].length;
  }
  // the adverbial that says how soon or how completely belongs to a phrase opened by 就/都/才/还 (the "then/all"
  // adverbs): 这么快就处理好了, 一进电梯就没信号了, 问什么都说不清楚, 一切都好, 到现在都没人回复, 根本就不够用.
  // A plain duration or count before 就 stays out unless a pattern takes it (穿了一次就开胶了 → 就开胶了).
  if (/^[就都才还]/.test(lc.slice(op.start, op.coreEnd))) {
    const before = lc.slice(Math.max(lo, op.start - 6), op.start);
    const adv = lc[op.start];
    let len = 0;
    const soon = /(这么|那么|很|特别|非常)(快|早|容易|轻松)$/.exec(before);
    if (soon && (adv === '就' || adv === '才')) len = soon[0].length;
    else if (adv === '就' && !lc.startsWith('就这', op.start)) {
      // (就这卫生 is a rhetorical verdict of its own: 五百多一晚就这卫生 does not take 一晚)
      const once = /(?:^|[^一二两三四五六七八九十几0-9第])(一(?![次个天回遍周年月分秒点些会趟直定样共起切])[\u4e00-\u9fa5]{1,3})$/.exec(before);
      const adverbial = /(根本|马上|立刻|立马|一下子|早知道)$/.exec(before);
      len = once ? once[1]!.length : adverbial ? adverbial[0].length : 0;
    } else if (adv === '都') {
      // a question word says "whatever": the verb it is the object of goes with it (问什么都说不清楚)
      const any = /(?:什么|谁|哪儿?|怎么|啥|一切|到现在|至今)$/.exec(before);
      len = any ? any[0].length : 0;
      const verb = any && any[0] !== '一切' ? tokenEndingAt(tokens, op.start - len) : undefined;
      if (verb && verb.word.length === 1 && (verb.tag.startsWith('v') || '问说做干打找办买用试'.includes(verb.word)) && verb.start >= lo) len += 1;
    }
    else if (adv === '还') len = /(?:到现在|至今)$/.exec(before)?.[0].length ?? 0;
    const at = op.start - len;
    if (len > 0 && at >= lo && !blocked(at) && isTokenStart(tokens, at)) op.start = at;
  }
  // how fast something is used up is a cost: 流量用得特别快, 话费扣得很快, 电池掉电很快 (and 掉得慢 is good); 飞快 is as
  // fast (流量用得飞快)
  if ((SPEED.has(op.core) || op.core === '飞快') && DEPLETION.test(lc.slice(Math.max(lo, op.start - 3), op.coreStart).replace(/(很|特别|非常|太|超|好|也|都)+$/, ''))) op.score = -op.score;
  // a rhetorical question asserts what it seems to deny: 这不是骗人吗 / 难道不是霸王条款吗 say it is one
  if (negCount > 0 && op.clause.question && /吗$/.test(lc.slice(lo, hi))) {
    const before = lc.slice(lo, op.start);
    // 这不太缺德了吗: "isn't that too…" asks nothing either
    const tooQuestion = negWords.some((w) => w.startsWith('不')) && /^不太[^，。！？,!?]{1,6}了[吗嘛么]/.test(lc.slice(op.start, hi));
    if (negWords.some((w) => w.startsWith('不是')) || (/(难道|岂)/.test(before) && negWords.includes('不')) || tooQuestion) {
      negCount--;
      op.rhetorical = true;
    }
  }
  // a rhetorical question keeps its frame: 这不是坑人吗 (was 不是坑人)
  if (op.rhetorical) {
    const frame = /(?:这|那)?(?:难道|岂)?$/.exec(lc.slice(lo, op.start))![0];
    if (frame && !blocked(op.start - frame.length)) op.start -= frame.length;
    // up to the 吗 that closes it, over a short object or particle (这不是欺骗消费者吗, 这不是挺好的吗)
    const tail = /^[^，。！？,!?\s]{0,4}?吗/.exec(lc.slice(op.end, hi));
    if (tail && !blocked(op.end)) op.end += tail[0].length;
  }
  // what a phrase is built with, beyond its modifiers (the dev gold keeps 是假货, 給個讚, 还是热乎的):
  {
    const body = lc.slice(op.start, op.end);
    const before = lc.slice(lo, op.start);
    const rest = lc.slice(op.end, hi);
    // a smell comes in a whiff: 一股霉味, 有股汗味
    const whiff = /(?:有一股|有股|一股子|一股)$/.exec(before);
    if (whiff && body === op.core && /味$/.test(op.core) && !blocked(op.start - whiff[0].length)) op.start -= whiff[0].length;
    // a score given: 给满分, 给五星好评
    else if (/给$/.test(before) && /^(?:满分|五星|五颗星|好评|差评|一星|零分)/.test(body) && !blocked(op.start - 1)) op.start -= 1;
    // a plain 是 before a noun verdict: 是假货 (not 不是 / 就是 / 是不是, a question)
    else if (/(?:^|[^不就还也都可但要总倒真算像])是$/.test(before) && body === op.core && FAKE_GOODS.test(op.core) && !op.clause.question && !blocked(op.start - 1)) op.start -= 1;
    // 还是 before a verdict means "after all" and stays out (dev gold: 还是挺失望 → 挺失望; 还是不错的 → 不错); before a
    // state it means "still", and the state kept to the end keeps its 的 (饭|还是热乎的, 还是活蹦乱跳的)
    if (/^还是/.test(body) && op.coreStart > op.start + 1 && (isVerdict(op, x) || CONCESSIVE_VERDICT.test(op.core))) op.start += 2;
    else if (/^还?是/.test(body) && /^的[啊呀哦呢!！~～\s]*$/.test(rest) && !blocked(op.end)) op.end += 1;
    // and a one-character state after 是 keeps it too (鸡块是凉的 → 凉的), with 都是/全是 when it is all of them (都是坏的)
    else if (body.length === 1 && /是$/.test(before) && /^的[啊呀哦呢!！~～\s]*$/.test(rest) && !blocked(op.end)) {
      op.end += 1;
      if (/(?:都|全)是$/.test(before) && op.score < 0 && !blocked(op.start - 2)) op.start -= 2;
    }
    // 良心 names who it praises: 良心店家, 良心卖家
    if (op.core === '良心' && op.end === op.coreEnd) {
      const who = /^(?:店家|卖家|商家|老板|店铺|小店|店|企业|平台|公司)/.exec(rest);
      if (who && !blocked(op.end)) op.end += who[0].length;
    }
  }
  // 也 ("too, as well") never opens the phrase (dev gold: 风控也太敏感了吧 → 太敏感, 包装也很严实 → 很严实); inside a
  // verb + 得 phrase it stays (来得也快)
  if (lc[op.start] === '也' && op.end - op.start >= 3 && !/^也[许好罢]/.test(lc.slice(op.start, op.start + 2))) {
    op.start += 1;
    if (op.coreStart < op.start) op.coreStart = op.start;
  }
  // 没见过这么X的 is a superlative, not a denial: never seen anything this good (or this bad)
  if (negCount > 0 && /^没有?见过(?:这么|那么|如此)/.test(lc.slice(op.start, op.coreStart))) negCount--;
  op.negated = negCount % 2 === 1;
  op.degree = degree;
  if (op.negated) op.score = -op.score;
}

/**
 * Something could not be done or stopped working (登录不了, 加载不出来, 收不到, 断了, a modem's 亮红灯): a failure, as
 * reported.
 */
/** A time of day, then 才 and an arrival: the lateness pattern of lexicons/patterns.tsv. */
const LATE_ARRIVAL = /^(?:快|将近|差不多|都)?(?:今天|当天|第二天|隔天|次日|明天|后天)?(?:早上|上午|中午|下午|傍晚|晚上|半夜|凌晨|天黑)?(?:[0-9一二两三四五六七八九十]{1,3}点[^才]{0,3})?才(?:姗姗)?(?:到|来|上门|过来|赶到)/;
export const FAILURE = /(不了|不上|不出来|不进去|不出去|不进|不开|不掉|不通|不到|断|红灯|红色|红光|[闪亮变]红|红灯?(?:一直|老是|总是|又|还)?在?(?:亮|闪|常亮|闪烁)(?:着|个不停)?)了?$/;

/** A complaint about how long a wait took (等了半小时, 排了两个小时): a pattern ending on a duration. */
export function isWait(op: RawOpinion): boolean {
  return op.fromPattern && /^[^，,]*(等|排|处理|审核|审批|办理|维修)/.test(op.core) && /(分钟|小时|钟头?|天|周|星期|礼拜|月|年|上午|下午|晚上|早上)$/.test(op.core);
}

/**
 * Prepositions, verbs and a direction jieba's tagger sometimes reads as nouns or names (连/nr in 连转人工都转不了,
 * 问/n in 问地勤一问三不知): never a target or part of one.
 */
const MISTAGGED_NOUNS = new Set(['连', '问', '给', '跟', '被', '让', '把', '对', '向', '从', '和', '与', '说', '找', '叫']);

/** Whether a praise word starts at `at` (longest match), for 不够 read as a negator before it. */
function praiseAt(lc: string, at: number, hi: number, x: ExtractLexicon): boolean {
  for (const L of lengthsAt(x, lc, at)) {
    if (L > hi - at) continue;
    const v = x.sentiment.get(lc.slice(at, at + L));
    if (v !== undefined) return v > 0;
  }
  return false;
}

function isNounLike(t: Token, x: ExtractLexicon): boolean {
  // an ID, card or order number (11010519491231002x) names no target, whatever jieba tags it
  if (/[0-9]{4,}|\*/.test(t.word)) return false;
  // nor does 越X越 (越改越难用), which jieba may tag a name
  if (/^越[\u4e00-\u9fa5]{1,2}越$/.test(t.word)) return false;
  if (x.lex.taxonomy.aspectIndex.has(t.word) || x.extraAspects.has(t.word)) return true;
  if (x.modifiers.has(t.word) || x.sentiment.has(t.word)) return false;
  if (MISTAGGED_NOUNS.has(t.word)) return false;
  // a fee word jieba only guessed (扣费 is x, where 交费 and 免费 are vn) names the fee as they do: 扣费太不合理了 is
  // about the charge, not about the topic before it
  if (t.tag === 'x' && /^[\u4e00-\u9fa5]{1,3}费$/.test(t.word)) return true;
  // a word jieba's dictionary lacks and its HMM made up (外框, 汤底, 取件, 出餐) is most often a name for a thing,
  // unless it glued on a function word or a verb of the sentence (材料交了, 这钱花, 一到, 要收, 刷个码)
  if (t.tag === 'x' && /^[\u4e00-\u9fa5]{2,4}$/.test(t.word) && !HMM_GLUE.test(t.word)) return true;
  return NOUN_TAGS.test(t.tag);
}

function findAspect(op: RawOpinion, lc: string, lo: number, tokens: Token[], x: ExtractLexicon, all: RawOpinion[] = []): FoundAspect | null {
  let q = op.start;
  let locative = false;
  // words that sit between a target and its evaluation without being either: 也/又 (包装也用心),
  // question words (App怎么一直登录不上), 本身, experiential verbs (用着挺顺手), locatives (页面上)
  for (let moved = true; moved; ) {
    moved = false;
    // (and a concession or contrast written after the target, 价格虽然贵, 质量却很好: the target opens the clause)
    const m = /(也|又|还是|倒是|倒|是|本身|虽然|虽说|尽管|虽|却|怎么|为什么|咋|用着|用起来|吃起来|看起来|摸起来|穿起来|上|里| )$/.exec(lc.slice(lo, q));
    if (m && (m[1] !== '上' && m[1] !== '里' || (() => { const t = tokenEndingAt(tokens, q - 1); return t !== undefined && isNounLike(t, x); })())) {
      if (m[1] === '上' || m[1] === '里') locative = true;
      q -= m[1]!.length;
      moved = true;
      continue;
    }
    // adverbs the phrase did not absorb (车险理赔一直挺省心 → 挺省心) still sit between the two
    const found = tokenEndingAt(tokens, q);
    const t = found && found.start >= lo ? found : undefined;
    if (t && x.modifiers.has(t.word) && x.modifiers.get(t.word) !== 'negation') {
      q = t.start;
      moved = true;
    }
  }
  // V得 sits between the aspect and a complement (条款写得太专业); jieba may split it as V|得
  const prev = tokenEndingAt(tokens, q);
  if (prev && prev.word.endsWith('得') && prev.word.length <= 3) {
    q = prev.start;
    if (prev.word === '得') {
      const verb = tokenEndingAt(tokens, q);
      if (verb && verb.tag.startsWith('v') && verb.word.length <= 2) q = verb.start;
    }
  }
  // tenant-defined aspect terms are not in jieba's dictionary, so match them on the characters
  let bestExtra = '';
  for (const term of x.extraAspects.keys()) {
    if (term.length > bestExtra.length && q - term.length >= lo && lc.slice(q - term.length, q) === term) bestExtra = term;
  }
  if (bestExtra) return { start: q - bestExtra.length, end: q, text: bestExtra };
  const parts: Token[] = [];
  let len = 0;
  // a thing and what it does, right before the verdict, is one target (账号保护真的不太行, 机器识别太慢, 退货申请秒批):
  // the verb joins the run when a noun stands right before it
  // (a token inside another opinion's phrase is never part of this one's target)
  const inOther = (t: Token) => all.some((o) => o !== op && o.start < t.end && t.start < o.end);
  const headVerb = tokenEndingAt(tokens, q);
  if (headVerb && headVerb.start >= lo && /^(v|vn)$/.test(headVerb.tag) && HEAD_VERBS.has(headVerb.word) && !inOther(headVerb)) {
    const owner = tokenEndingAt(tokens, headVerb.start);
    // not what a person does (司机师傅开车很稳: the driver is judged), nor an event the verdict is added to with 也/还
    // (小区停电也不提前通知)
    // (还 meaning "fairly" adds nothing: 这个处理还算爽快)
    const added = /[也又还都就]/.test(lc.slice(headVerb.end, op.start)) || /^(?:[也又都就]|还(?!算|挺|蛮|比较|可以|行|不错|凑合))/.test(lc.slice(op.start, op.end));
    const owned = owner !== undefined && owner.start >= lo && isNounLike(owner, x) && !isPerson(owner);
    // the process alone, opening its clause, is the target too (处理挺满意, 这次补发很痛快); not 入住, which opens
    // a stay more often than it names the check-in (入住豪华间)
    const opensClause = headVerb.word !== '入住' && /^(?:这次|这回|那次|上次|你们的?|他们的?|整个|这个|那个|你这个|你们这个)?$/.test(lc.slice(lo, headVerb.start));
    if (!added && (owned || opensClause)) {
      parts.push(headVerb);
      len = headVerb.word.length;
      q = headVerb.start;
    }
  }
  for (;;) {
    let t = tokenEndingAt(tokens, q);
    // a compound written with a space (客服 电话) is still one target
    if (t && t.word === ' ' && parts.length) {
      const before = tokenEndingAt(tokens, t.start);
      if (before && before.start >= lo && isNounLike(before, x)) {
        q = t.start;
        t = before;
      }
    }
    if (!t || t.start < lo || !isNounLike(t, x) || parts.length >= MAX_ASPECT_TOKENS || len + t.word.length > 8) break;
    // the end of an e-mail address or a web address (zhangsan@163.com收不到账单, jd.com) names no target
    if (/^[a-z0-9]+$/.test(t.word) && /[.@]/.test(lc[t.start - 1] ?? '')) break;
    // another opinion is never part of this one's target (网络很卡客服态度也很差: jieba tags 很卡 a noun)
    if (inOther(t)) break;
    parts.unshift(t);
    len += t.word.length;
    q = t.start;
  }
  // a short model number glued in front of a noun (5g套餐, 4g网络) belongs to it; a long digit run (a card, order
  // or ID number) or what is left of a masked one (138****5678) never does
  const numTok = tokenEndingAt(tokens, q);
  const modelName = (w: string) => /^[0-9]{1,3}[a-z]{0,3}$/.test(w) || /^[a-z]{1,8}[0-9]{1,3}$/.test(w);
  if (parts.length && numTok && numTok.tag === 'm' && modelName(numTok.word) && numTok.start >= lo && !/[0-9a-z*＊#×-]/.test(lc[numTok.start - 1] ?? '')) {
    parts.unshift(numTok);
    q = numTok.start;
  }
  // the business itself (酒店隔音效果, 银行App) is the implicit subject of every review, not part of the aspect
  while (parts.length > 1 && (BUSINESS.has(parts[0]!.word) || NON_ASPECT.has(parts[0]!.word))) parts.shift();
  // nor is the impression it made (房间感觉很干净: the room is judged)
  while (parts.length > 1 && IMPRESSION.test(parts[parts.length - 1]!.word)) parts.pop();
  if (parts.length === 1 && NON_ASPECT.has(parts[0]!.word)) return null;
  if (!parts.length) return null;
  if (PAID_BEFORE.test(lc.slice(Math.max(lo, parts[0]!.start - 2), parts[0]!.start))) return null;
  // a process verb before its object names the process (打扫房间很仔细, 解冻流程太繁琐, 报销流程很简单): one target
  const procVerb = tokenEndingAt(tokens, parts[0]!.start);
  if (procVerb && procVerb.start >= lo && HEAD_VERBS.has(procVerb.word) && !inOther(procVerb)) parts.unshift(procVerb);
  // a person after what the customer asked them for (申请退货商家不理人, 办理业务柜员很耐心) is who is judged: the
  // request before them is what it was about, not part of the target
  const head = parts[0]!;
  // (a verb, its object, then a person word of two characters or more: 理赔专员 is one job title, 询问服务小姐 asks
  // the person, 湖北人 is no request). The person keeps the person words before it (客服小姐姐) and the manner judged
  // after it (营业员态度).
  let last = parts.length;
  if (last > 1 && MANNER.test(parts[last - 1]!.word)) last--;
  let from = last - 1;
  const who = parts[from];
  if (who && from >= 2 && (HEAD_VERBS.has(head.word) || /^v/.test(head.tag)) && isPerson(who) && who.word.length >= 2) {
    while (from > 2 && isPerson(parts[from - 1]!) && parts[from - 1]!.word.length >= 2) from--;
    parts.splice(0, from);
  }
  // a plain noun right after a verb is the object of an activity (看视频也不卡), not the target
  const before = tokenEndingAt(tokens, parts[0]!.start);
  // a person opening the clause who came to do a job on it (师傅上门修空调挺专业的, 小哥帮我搬冰箱很细心) is who a
  // word of manner judges, not what was worked on
  if (before && before.start >= lo && /^v/.test(before.tag) && !parts.some(isPerson) && implicitFor(x, op.core.replace(/(了|的)+$/, ''))?.category === 'service_attitude') {
    const who = tokens.find((t) => t.start >= lo && t.end <= before.start && isPerson(t) && t.word.length >= 2);
    if (who && /^[^，。！？,!?\s]{0,4}$/.test(lc.slice(lo, who.start)) && !/(?:比|没有|不如|没)/.test(lc.slice(who.end, op.start)) && !/[说问叫让找给把]$/.test(lc.slice(lo, who.start))) return { start: who.start, end: who.end, text: who.word };
  }
  const known = (w: string) => [...w].some((_, k) => w.length - k >= 2 && x.lex.taxonomy.aspectIndex.has(w.slice(k))) || x.lex.taxonomy.aspectIndex.has(w);
  if (before && before.start >= lo && before.tag === 'v' && !parts.some((p) => known(p.word))) return null;
  // nor is the place after 在 (在营业厅等了3个小时): it says where, the opinion is about something else
  if (before && before.start >= lo && (before.word === '在' || before.word === '于') && before.tag === 'p') return null;
  // a place the taxonomy does not know, marked by 里/上 (小区里经常断网, 高铁上根本没网), says where
  if (locative && !parts.some((p) => known(p.word))) return null;
  // an opinion that names its own target (就没信号了, 一点信号都没有) is about that, not the place before it
  // (一进电梯就没信号了, 地下车库一点信号都没有)
  // — when the noun before is no target the taxonomy knows, a place just entered (进电梯, 到车库), a place marked by
  // 里/上 (电梯里一格信号都没有) or a shared facility, which is where the customer stood (地下车库一点信号都没有)
  const facility = parts.every((p) => x.lex.taxonomy.aspectIndex.get(p.word)?.canonical === '公共设施');
  const placeLike = !parts.some((p) => known(p.word)) || locative || facility || (before !== undefined && before.start >= lo && /^(进|到|去|出|回|进了|到了)$/.test(before.word));
  const own = placeLike ? runCategory(tokens.filter((t) => t.start >= op.start && t.end <= op.end && NOUN_TAGS.test(t.tag)), x) : null;
  if (own && runCategory(parts, x) !== own) return null;
  // signal bars (手机一进家门就只剩一格) are the network's, whatever device shows them
  if (op.fromPattern && op.patternCategory === 'network' && runCategory(parts, x) === 'quality') return null;
  const start = parts[0]!.start;
  const end = parts[parts.length - 1]!.end;
  return { start, end, text: lc.slice(start, end) };
}

/**
 * A pattern's phrase followed by the thing it measures, which ends the clause (手机只有一格信号 → 信号 | 只有一格): that
 * thing is the target when the taxonomy puts it in the pattern's own category, rather than the holder before the
 * phrase (手机).
 */
function trailingTarget(op: RawOpinion, lc: string, hi: number, tokens: Token[], x: ExtractLexicon): FoundAspect | null {
  if (!op.fromPattern || !op.patternCategory || op.role !== 'evidence') return null;
  const t = tokens.find((k) => k.start === op.end);
  if (!t || !isNounLike(t, x) || !/^[了的啊呀吧\s]*$/.test(lc.slice(t.end, hi))) return null;
  if (x.lex.taxonomy.aspectIndex.get(t.word)?.category !== op.patternCategory) return null;
  return { start: t.start, end: t.end, text: t.word };
}

/**
 * Slang that names what it condemns (垃圾软件, 垃圾运营商): a pattern phrase that opens with an evaluation and
 * ends on a noun carries its own target.
 */
function ownTarget(op: RawOpinion, lc: string, tokens: Token[], x: ExtractLexicon): FoundAspect | null {
  if (!op.fromPattern) return null;
  let head = 0;
  for (const L of lengthsAt(x, lc, op.start)) {
    if (L <= op.end - op.start - 1 && x.sentiment.has(lc.slice(op.start, op.start + L))) {
      head = L;
      break;
    }
  }
  if (!head) return null;
  let s = op.start + head;
  if (lc[s] === '的') s++;
  const parts = tokens.filter((t) => t.start >= s && t.end <= op.end);
  if (!parts.length || parts[0]!.start !== s || parts[parts.length - 1]!.end !== op.end || !parts.every((t) => isNounLike(t, x) || /^[a-z]+$/.test(t.word))) return null;
  // the rest of an evaluation (好棒棒: 棒棒) is no target
  if (parts.some((t) => firstSentimentWord(t.word, x) !== 0)) return null;
  return { start: s, end: op.end, text: lc.slice(s, op.end) };
}

/**
 * A pattern phrase that ends on a term of its own category (突然降额: the credit line cut) names its target, so it
 * borrows none of another category from an earlier clause (按时还款，突然降额 is not about repaying).
 */
export function closingTarget(op: RawOpinion, lc: string, tokens: Token[], x: ExtractLexicon): FoundAspect | null {
  if (!op.fromPattern || !op.patternCategory) return null;
  const end = op.end - (/[了的啊呀吧]+$/.exec(lc.slice(op.start, op.end))?.[0].length ?? 0);
  const t = tokenEndingAt(tokens, end);
  if (!t || t.start <= op.start || !isNounLike(t, x)) return null;
  if (x.lex.taxonomy.aspectIndex.get(t.word)?.category !== op.patternCategory) return null;
  return { start: t.start, end: t.end, text: t.word };
}

/** Whole-experience verdicts (点赞, 强烈推荐, 下次还会再来, 爱了): about the business, never a borrowed target. */
function isVerdict(op: RawOpinion, x: ExtractLexicon): boolean {
  if (op.patternCategory === 'other') return true;
  const core = op.core.replace(/(了|的)+$/, '');
  return implicitFor(x, core)?.category === 'other';
}

/** Index of the first token starting at or after `pos` (tokens are in text order). */
export function firstTokenFrom(tokens: Token[], pos: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tokens inside [start, end), found by binary search rather than a walk over the whole part. */
export function tokensBetween(tokens: Token[], start: number, end: number): Token[] {
  const out: Token[] = [];
  for (let k = firstTokenFrom(tokens, start); k < tokens.length && tokens[k]!.start < end; k++) if (tokens[k]!.end <= end) out.push(tokens[k]!);
  return out;
}

/** Noun runs (compounds of up to three noun-like tokens) inside [from, to). */
function nounRuns(tokens: Token[], from: number, to: number, x: ExtractLexicon): { start: number; end: number; parts: Token[] }[] {
  const runs: { start: number; end: number; parts: Token[] }[] = [];
  let cur: Token[] = [];
  const flush = () => {
    while (cur.length && (BUSINESS.has(cur[0]!.word) || NON_ASPECT.has(cur[0]!.word))) cur.shift();
    while (cur.length > 1 && IMPRESSION.test(cur[cur.length - 1]!.word)) cur.pop();
    if (cur.length) runs.push({ start: cur[0]!.start, end: cur[cur.length - 1]!.end, parts: cur });
    cur = [];
  };
  // (only the tokens of the range: walking the whole part made linking targets cubic in a text of many clauses)
  for (const t of tokensBetween(tokens, from, to)) {
    const last = cur[cur.length - 1];
    if (isNounLike(t, x) && (!last || last.end === t.start) && cur.length < MAX_ASPECT_TOKENS) cur.push(t);
    else {
      flush();
      if (isNounLike(t, x)) cur.push(t);
    }
  }
  flush();
  return runs;
}

/** The taxonomy category of a noun run: that of its last known term. */
function runCategory(parts: Token[], x: ExtractLexicon): CategoryId | null {
  for (let k = parts.length - 1; k >= 0; k--) {
    const w = parts[k]!.word;
    const c = x.extraAspects.get(w) ?? x.lex.taxonomy.aspectIndex.get(w)?.category;
    if (c) return c;
  }
  return null;
}

/** A paying verb done (交了|费, 充了|值): the charge after it is the customer's act, never the target of a later verdict. */
const PAID_BEFORE = /(?:交|缴|付|充|续)(?:了|完|过|上)$/;

/** How many clauses back a verdict may look for its target. */
export const MAX_LINK_CLAUSES = 8;
/** ... and how many characters back within its own clause. */
const MAX_LINK_CHARS = 80;

/**
 * Opinions often follow their target at a distance: the topic opens the sentence and the verdict closes
 * it (房价翻了三倍，太黑了; 手机用了一个月就开始发烫). For opinions without an adjacent aspect, link the
 * nearest earlier known target (a run containing a taxonomy term) in the same clause, then in earlier
 * clauses of the same sentence, skipping targets already claimed by another opinion.
 */
export function linkDistantAspects(ops: RawOpinion[], lc: string, clauses: Clause[], tokens: Token[], x: ExtractLexicon): void {
  const isTerm = (t: Token) => x.lex.taxonomy.aspectIndex.has(t.word) || x.extraAspects.has(t.word);
  const claimed = new Set(ops.filter((o) => o.aspect).map((o) => `${o.aspect!.start}:${o.aspect!.end}`));
  const opensClause = (from: number, start: number) => /^(这个|那个|这|那|你们的|你们|我的|我们的|他们的|的)?$/.test(lc.slice(from, start));
  // the category of a target the opinion names in its own phrase (or its pattern's), when that is not `cat`
  const namesOtherThan = (op: RawOpinion, cat: CategoryId) => {
    const own = op.patternCategory ?? runCategory(tokensBetween(tokens, op.start, op.end).filter((t) => NOUN_TAGS.test(t.tag)), x);
    return own !== null && own !== cat;
  };
  for (const op of ops) {
    if (op.aspect || isVerdict(op, x)) continue;
    const c = op.clause;
    // a verdict on the whole (总体感觉不错, 整体还可以) borrows no earlier target
    if (OVERALL.test(lc.slice(c.contentStart, op.start))) continue;
    // (a clause is read at most MAX_LINK_CHARS back from the opinion: one endless clause made this quadratic)
    const ranges: [number, number][] = [[Math.max(c.contentStart, op.start - MAX_LINK_CHARS), op.start]];
    // a clause that opens with a subject of its own (可问题一个都没解决, 卫生间有异味) has changed the topic: it
    // never borrows the previous clause's target (its own subject still links when the taxonomy knows it)
    const own = nounRuns(tokens, ranges[0]![0], op.start, x).some((r) => opensClause(c.contentStart, r.start) && r.end - r.start >= 2);
    // (the nearest MAX_LINK_CLAUSES of them: a target further back is no one's topic any more, and looking through all
    // of a sentence of thousands of clauses for each opinion was quadratic)
    const earlier = own ? [] : clauses.filter((k) => k.sentence === c.sentence && k.end <= c.start && !k.meta).slice(-MAX_LINK_CLAUSES).reverse();
    for (const k of earlier) ranges.push([k.contentStart, k.end]);
    for (const [from, to] of ranges) {
      const runs = nounRuns(tokens, from, to, x)
        .filter((r) => r.parts.some(isTerm) && !claimed.has(`${r.start}:${r.end}`))
        // a term done, not talked about (退订了还发, 投诉过也没用) is an event on the way to the verdict, not its target
        .filter((r) => !/^[了过]/.test(lc.slice(r.end, r.end + 1)))
        // nor a charge the customer paid (交了费两小时还没恢复: the complaint is what paying did not bring back)
        .filter((r) => !PAID_BEFORE.test(lc.slice(Math.max(0, r.start - 2), r.start)))
        // nor is what 把 hands to a verb (还帮我把路由器调好了，绝绝子: the help is praised, not the router)
        .filter((r) => lc[r.start - 1] !== '把')
        // a target is never inside another opinion's phrase
        .filter((r) => !ops.some((o) => o.start < r.end && r.start < o.end))
        // a shared facility is where the customer stood when the opinion names a target of its own elsewhere in the
        // taxonomy (地下车库一点信号都没有 is about the signal, not the car park)
        .filter((r) => !r.parts.every((p) => x.lex.taxonomy.aspectIndex.get(p.word)?.canonical === '公共设施') || !namesOtherThan(op, 'environment'))
        // nor inside a claim someone else made (客服说“网络很稳定”，结果天天掉线: the complaint is not about 网络 as claimed)
        .filter((r) => !clauses.some((k) => k.reported && k.reported.start <= r.start && r.end <= k.reported.end))
        // nor what an earlier clause says they told the customer, when the opinion is about something else (每次都说缺
        // 东西，不能一次性说清楚吗: the complaint is about how they tell it, not about 东西); a target of the opinion's own
        // category stays (说好免手续费，最后还是收了20块 → 手续费), as does the customer's own telling (我跟客服说网络不好)
        .filter((r) => {
          if (from === ranges[0]![0] || !SAID_BEFORE.test(lc.slice(from, r.start))) return true;
          const implied = op.patternCategory ?? implicitFor(x, op.core.replace(/(了|的)+$/, ''))?.category ?? null;
          return implied === null || implied === runCategory(r.parts, x);
        })
        // a person or an ad (客服, 业务员, 广告) is what a complaint is about only when it judges them, or when they
        // open its own clause: 业务员说理赔很快，结果拖了两个月 is about the claim, not the salesperson's manner
        .filter((r) => {
          const cat = runCategory(r.parts, x);
          if (cat !== 'service_attitude' && cat !== 'marketing') return true;
          const implied = op.patternCategory ?? implicitFor(x, op.core.replace(/(了|的)+$/, ''))?.category ?? null;
          if (implied !== null) return implied === cat;
          return !clauses.some((k) => k.reported && r.end <= k.reported.start && r.start >= k.contentStart);
        });
      // the subject opening a clause is the usual topic (服务员一直在玩手机，…都不理人 → 服务员);
      // otherwise the nearest target before the opinion (接到推销升级的电话，烦死了 → 电话)
      // praise or blame of manner (超级耐心, 态度很差) goes to the person in the sentence, not a thing nearer to it
      // (感谢客服小姐姐帮我把冻结的账户解开了，超级耐心 → 客服小姐姐)
      const people = implicitFor(x, op.core.replace(/(了|的)+$/, ''))?.category === 'service_attitude' ? runs.filter((r) => runCategory(r.parts, x) === 'service_attitude') : [];
      const subject = runs.find((r) => opensClause(from, r.start));
      const pick = people[people.length - 1] ?? subject ?? runs[runs.length - 1];
      if (pick) {
        op.aspect = { start: pick.start, end: pick.end, text: lc.slice(pick.start, pick.end) };
        // only a space (or an emoji, normalized to one) between a target ending its piece and the
        // opinion opening the next is adjacency written loosely: 网络 很卡, 网络😡很卡
        const spaced = from !== c.contentStart && pick.end === to && op.start === c.contentStart && /^ +$/.test(lc.slice(to, c.contentStart));
        op.aspectDistant = !spaced;
        break;
      }
    }
  }
}
