/*
 * Which category a rule opinion is filed under. An ordered table of named rules over one context (the opinion, the
 * aspect it names as the taxonomy knows it, the category its opinion word implies, the clause, the topic around it);
 * the first rule that matches decides. A new exception is one more row, placed before the rule it overrides, with the
 * reason it exists.
 */
import type { CategoryId } from './types.js';
import type { Clause } from './clauses.js';
import { closingTarget, firstTokenFrom, MAX_LINK_CLAUSES, tokensBetween, type ExtractLexicon, type RawOpinion, type Token } from './extract.js';
import { implicitFor, lookupAspect, type AspectHit, type Implied } from './aspect-lookup.js';

export type CategoryFrom = 'aspect' | 'opinion' | 'context' | 'fallback';

export interface Resolution {
  category: CategoryId;
  /** the taxonomy group the tag counts under (canonicalAspect); null leaves the aspect as written */
  canonical: string | null;
  categoryFrom: CategoryFrom;
}

/** The tag resolved just before this one in the same part. */
export interface PreviousTag {
  category: CategoryId;
  sentence: number;
}

export interface ResolveInput {
  x: ExtractLexicon;
  op: RawOpinion;
  /** the part's normalized, lower-cased text */
  lc: string;
  tokens: Token[];
  clauses: Clause[];
  previous: PreviousTag | null;
  /** the topic a customer raised in an earlier turn */
  earlierTopic: CategoryId | null;
}

export interface ResolveContext extends ResolveInput {
  /** the opinion's aspect as the taxonomy knows it */
  hit: AspectHit | null;
  implicitHit: Implied | null;
  /** the category the opinion's pattern or word implies */
  implicit: CategoryId | null;
  /** the opinion phrase */
  phrase: string;
  clauseText: string;
  /** the aspect is written next to the opinion, not linked from elsewhere */
  ownThing: boolean;
  /** the category of the nearest taxonomy term in the clause, else in earlier clauses of the sentence (computed once, on demand) */
  contextCategory(): CategoryId | null;
  /** the category of a taxonomy term inside the opinion phrase itself (computed once, on demand) */
  insideCategory(): CategoryId | null;
  /**
   * the topic an aspect-less or foreign-aspect opinion borrows: its own sentence's, else (with no thing of its own)
   * the part's or an earlier turn's (computed once, on demand)
   */
  borrowedTopic(): CategoryId | null;
}

export interface CategoryRule {
  name: string;
  when(c: ResolveContext): boolean;
  yields(c: ResolveContext): Resolution;
}

/** Roles whose opinions are read from the opinion word rather than from the person/process named. */
const WEAK_ASPECT_CATEGORIES = new Set<CategoryId>(['service_attitude', 'resolution', 'marketing']);
const DELIVERY_SPEED = /^(送|配送|派送|送货|送餐|发货|发|寄|到货)得/;
/** what was delivered spilling (汤还洒了, 外卖洒了一地) is packaging and delivery, whatever was spilled */
const SPILLED = /^(还|都|也|又|全)?(洒|撒)/;
/**
 * a leak is a spill when what leaked is a drink or a dish (奶茶漏了, 汤漏了) or when its extent says it ran into the bag
 * (漏了一袋子, 漏得满袋子都是, 漏在袋子里); a roof, a pipe or a cup that leaks (房顶漏了, 杯子漏了) is no delivery
 */
const LEAKED = /^(还|都|也|又|全)?漏(?:了|出来|得)/;
const LEAK_EXTENT = /^(还|都|也|又|全)?漏(?:了|出来了?)(?:一|满|整)|^(还|都|也|又|全)?漏(?:得(?:满|一|到处)|在|到)/;
const LIQUID = /(?:汤|粥|茶|咖啡|饮料|饮品|果汁|汤汁|汁|豆浆|牛奶|酸奶|奶|可乐|汽水|酒|酱|醋|外卖|餐)$/;
/** a delivery running late (外卖超时半小时, 骑手又迟到了) is delivery, like its speed */
const LATE = /^(?:还|都|也|又)?(?:超时|迟到|晚到|延误)/;
const COURIER = /外卖|骑手|配送|送餐|快递|小哥|派送|跑腿/;
/** a parcel dumped at the door or on the floor (东西直接扔门口) is how it was delivered, whatever the thing */
const DUMPED = /^(?:直接|随手|随便|图省事|不打电话|招呼都不打就)+(?:扔|丢|甩|放)(?:在)?(?:地上|门口|快递柜|驿站|楼下|门卫)/;
/** annoyance (烦, 烦人, 烦死了, 烦不烦) is about whatever it follows; a sales pitch nearby makes it marketing */
const ANNOYANCE = /烦/;
/** "the rest" (除了价格贵，其他都挺好): a general verdict that explicitly excludes the thing just judged */
const OTHER_THINGS = /(其他|其它|别的|其余)/;
/** Smells, as 异味 and its kin are read (an implicit environment word). */
const SMELL = /味|臭/;
/** Quality groups that are things sold (not 卫生, the hygiene of a place). */
const GOODS = /^(?:商品|床品|质量)$/;
/** A stream or page that stalls: the line's fault when a network target is named. */
const STALL = /缓冲|加载|转圈/;
/** A verdict on someone as a person (人很好, 人不错, 人挺nice): the opinion opens on 人. */
const PERSON_VERDICT = /^人(?:[很挺真蛮超特别非常太也还都]|不错|好)/;
/** Couriers and riders: people, not the delivery they do. */
const isPersonWord = (w: string) => /(?:小哥|小妹|员|骑手|师傅|司机|小姐姐|大哥|大姐|阿姨)$/.test(w);
/** What only software does on a screen: crashing, freezing, blank or black screens, spinning, error pop-ups. */
const APP_CRASH = /(闪退|白屏|黑屏|死机|崩溃|卡死|无响应|转圈|报错|卡顿)/;
/** Words that only ever judge a cost (贵, 便宜, 划算): not 高贵 or 占便宜. */
const COST_WORD = /(?<![宝珍名富高尊])贵|(?<![占贪])便宜|实惠|划算|超值|不合算|涨价|天价|宰客|杀熟/;

/**
 * Who serves the customer, in words the taxonomy leaves out (卖家, 店家, 店主, 掌柜, 老板娘, 小哥, 小姐姐): judged with
 * nothing around it saying what about (卖家一直不理人), it is how they treated the customer; a request before them
 * (申请换货店家不理人) still files it under that request.
 */
const SERVER = /(?:卖家|店家|店主|掌柜|老板娘|小哥|小姐姐|小姐|阿姨|大姐|大哥)$/;

/** Goods sent wrong or short (送错, 发错了, 漏送, 少发): the delivery's fault, whatever was sent. */
const MISDELIVERED = /^(?:还|又|都|也|竟然|居然|直接|给我)*(?:送错|发错|寄错|拿错|漏送|少送|送漏|漏发|少发|发漏|(?:发|寄|送|收到)[了来过给我个一只的是竟居然]*空(?:盒|箱|包裹|袋|壳))/;
/** What came, told against what was ordered (点的是宫保鸡丁，送来的是鱼香肉丝: a pattern of lexicons/patterns.tsv). */
const WRONG_ITEM = /^(?:送来|送过来|送到|送|发来|发过来|发|寄来|寄过来|拿来|拿过来|上)的(?:却|竟然|居然|变成)?是$/;
/** A note to the kitchen closing a clause (备注少辣, 备注了不要太咸): group 1 is what it asked for. */
const NOTE = /备注(?:了|过|写了|里写了|说)?[:：]?([^，。！？!?,\s]{1,10})$/;
/** How the clause after a note opens when what follows went against it (结果, 还是, 可是). */
const AGAINST_NOTE = /^\s*(?:结果|但是|可是|但|可|然而|还是|却|照样)/;
/** Characters of a note that say nothing of the dish (不要, 少, 多, 别, 太). */
const NOTE_FUNCTION_CHARS = /[不要少多别太点一些了的放加]/g;

/**
 * Whether the opinion, opening the clause after an order note, complains of what the note asked about (备注少辣，结果辣得
 * 没法吃: 辣 is in both): the kitchen ignored the note.
 */
function againstNote(c: ResolveContext): boolean {
  if (c.op.score >= 0) return false;
  const k = c.clauses.indexOf(c.op.clause);
  const before = k > 0 ? c.clauses[k - 1]! : null;
  if (!before || before.sentence !== c.op.clause.sentence) return false;
  const note = NOTE.exec(c.lc.slice(before.start, before.end).replace(/[，,\s]+$/, ''));
  if (!note || !AGAINST_NOTE.test(c.lc.slice(c.op.clause.start, c.op.start))) return false;
  const asked = note[1]!.replace(NOTE_FUNCTION_CHARS, '');
  return [...asked].some((ch) => c.op.core.includes(ch));
}

/** Whether an opinion phrase judges how something was delivered (its speed, lateness, spilling, dumping). */
function judgesDelivery(phrase: string, clauseText: string, aspect: string | null): boolean {
  return DELIVERY_SPEED.test(phrase) || spilled(phrase, aspect) || DUMPED.test(phrase) || (LATE.test(phrase) && COURIER.test(clauseText));
}

/** Whether an opinion phrase tells that what was delivered spilled or leaked (汤洒了, 奶茶漏了, 漏了一袋子). */
function spilled(phrase: string, aspect: string | null): boolean {
  return SPILLED.test(phrase) || LEAK_EXTENT.test(phrase) || (LEAKED.test(phrase) && aspect !== null && LIQUID.test(aspect));
}

function innerCategory(x: ExtractLexicon, tokens: Token[], start: number, end: number): CategoryId | null {
  for (const t of tokensBetween(tokens, start, end)) {
    // a compound jieba keeps whole (系统维护) still names its target
    const c = x.extraAspects.get(t.word) ?? x.lex.taxonomy.aspectIndex.get(t.word)?.category ?? (t.word.length >= 3 && /^n/.test(t.tag) ? lookupAspect(x, t.word)?.category : undefined);
    if (c) return c;
  }
  return null;
}

const TOPIC_WINDOW = 400;

/** Category of the last taxonomy term mentioned before `pos` anywhere in the part. */
export function topicBefore(x: ExtractLexicon, tokens: Token[], pos: number): CategoryId | null {
  // (from the last token before pos, at most TOPIC_WINDOW tokens back: a long text without one term was quadratic)
  const last = firstTokenFrom(tokens, pos);
  for (let k = last - 1; k >= 0 && k >= last - TOPIC_WINDOW; k--) {
    const t = tokens[k]!;
    if (t.end > pos) continue;
    const c = x.extraAspects.get(t.word) ?? x.lex.taxonomy.aspectIndex.get(t.word)?.category;
    if (c) return c;
  }
  return null;
}

function contextCategory(x: ExtractLexicon, tokens: Token[], clauses: Clause[], clause: Clause, before: number): CategoryId | null {
  const idx = x.lex.taxonomy.aspectIndex;
  const inRange = (s: number, e: number, nearest: boolean) => {
    const ts = tokensBetween(tokens, s, e).filter((t) => idx.has(t.word) || x.extraAspects.has(t.word));
    if (!ts.length) return null;
    const t = nearest ? ts[ts.length - 1]! : ts[0]!;
    return x.extraAspects.get(t.word) ?? idx.get(t.word)!.category;
  };
  const own = inRange(clause.start, before, true) ?? inRange(before, clause.end, false);
  if (own) return own;
  // earlier clauses of the same sentence, nearest first
  const sameSentence = clauses.filter((c) => c.sentence === clause.sentence && c.end <= clause.start).slice(-MAX_LINK_CLAUSES).reverse();
  for (const c of sameSentence) {
    const cat = inRange(c.start, c.end, true);
    if (cat) return cat;
  }
  return null;
}

/** Being pressed to buy (一直打电话让我买基金, 天天发短信叫我办信用卡, 老是劝我升级套餐), told without the word 推销. */
const PRESSED_TO_BUY = /(?:打电话|发短信|发信息|劝|忽悠|怂恿)[^，。！？!?,]{0,4}?(?:让|叫|劝|要)?我(?:买|办|升级|换|开通|购买|办理|充值)/;

/** Whether the sentence around `clause` mentions a sales pitch (推销, 营销电话, 广告) or tells of being pressed to buy. */
function salesPitch(x: ExtractLexicon, lc: string, tokens: Token[], clauses: Clause[], clause: Clause): boolean {
  const inSentence = clauses.filter((c) => c.sentence === clause.sentence);
  const from = Math.min(...inSentence.map((c) => c.start));
  const to = Math.max(...inSentence.map((c) => c.end));
  if (PRESSED_TO_BUY.test(lc.slice(from, to))) return true;
  return tokens.some(
    (t) => t.start >= from && t.end <= to && (x.lex.taxonomy.aspectIndex.get(t.word)?.category === 'marketing' || x.lex.taxonomy.implicitIndex.get(t.word)?.category === 'marketing'),
  );
}

/**
 * Settle which target an opinion is about before its category is read: a target linked from an earlier clause is
 * dropped or replaced where it is not what the opinion judges.
 */
export function settleTarget(x: ExtractLexicon, op: RawOpinion, lc: string, tokens: Token[]): void {
  // what came instead of what was ordered (点的是套餐，送来的是单品) judges the delivery: the goods named before it, or a
  // target of an earlier clause (系统显示…), are not what it judges
  if (op.aspect && op.fromPattern && WRONG_ITEM.test(lc.slice(op.start, op.end))) op.aspect = null;
  // patience, care or help are a person's: goods named in an earlier clause (帮我老妈设置好了手机，很耐心) are
  // what they worked on, not what is praised
  if (op.aspect && op.aspectDistant && op.score > 0 && (op.patternCategory ?? implicitFor(x, op.core)?.category) === 'service_attitude' && lookupAspect(x, op.aspect.text)?.category === 'quality') op.aspect = null;
  // a pattern phrase ending on a term of its own kind (突然降额) is about that term, not a target of another kind borrowed
  // from before (按时还款，突然降额)
  if (op.aspect && op.aspectDistant && op.patternCategory && lookupAspect(x, op.aspect.text)?.category !== op.patternCategory) {
    const own = closingTarget(op, lc, tokens, x);
    if (own) {
      op.aspect = own;
      op.aspectDistant = false;
    }
  }
}

/** App words that are verbs of change (更新, 升级): said of another thing, they tell what happened to it. */
const UPDATE_VERB = /^(?:更新|升级)了?$/;
/** What stands between a subject and a passive event told of it (套餐|被|莫名其妙升级了, 套餐又被|升级了). */
const PASSIVE_LINK = /^(?:又|都|也|竟然|居然|还|就)?被(?:人|你们|他们)?$/;
const byAspect = (c: ResolveContext): Resolution => ({ category: c.hit!.category, canonical: c.hit!.canonical, categoryFrom: 'aspect' });
const byOpinion = (c: ResolveContext): Resolution => ({ category: c.implicit!, canonical: c.hit?.canonical ?? c.implicitHit?.aspect ?? null, categoryFrom: 'opinion' });

/** A named aspect of a strong kind (not a person or a process), written next to its opinion and matched as a whole term. */
const strongAspect = (c: ResolveContext): boolean =>
  c.hit !== null && c.hit.how !== 'contains' && !c.op.aspectDistant && !WEAK_ASPECT_CATEGORIES.has(c.hit.category) && !c.x.lex.taxonomy.weakAspects.has(c.hit.canonical);

/**
 * A video that keeps buffering on a slow line (宽带网速只有一半，晚上看视频一直缓冲) is the network's fault, not an app's,
 * …or told in the clause after the slow line (网速太慢了，视频一直在缓冲).
 */
const lineStall = (c: ResolveContext): boolean =>
  c.implicit === 'app_experience' && STALL.test(c.op.core) && (c.hit ? c.hit.category === 'network' : c.contextCategory() === 'network');

/** The first rule that matches decides; the last always matches. */
export const CATEGORY_RULES: readonly CategoryRule[] = [
  {
    // how something was delivered is logistics whatever was delivered (外卖送得很快); a spill groups with packaging,
    // not with what was spilled (汤全洒了 is no taste complaint, so not under 口味)
    name: 'deliveryJudged',
    when: (c) => judgesDelivery(c.phrase, c.clauseText, c.op.aspect?.text ?? null),
    yields: (c) => ({
      category: 'logistics',
      canonical: spilled(c.phrase, c.op.aspect?.text ?? null) && c.hit?.category !== 'logistics' ? '包装' : (c.hit?.canonical ?? null),
      categoryFrom: 'opinion',
    }),
  },
  {
    // the wrong item delivered (点的是宫保鸡丁，送来的是鱼香肉丝) is a delivery complaint like 送错
    name: 'wrongItem',
    when: (c) => c.op.fromPattern && WRONG_ITEM.test(c.phrase),
    yields: () => ({ category: 'logistics', canonical: '快递', categoryFrom: 'opinion' }),
  },
  {
    // the complaint after an order note of what the note asked about (备注少辣，结果辣得没法吃) is the note ignored, a
    // service complaint like 备注了不要葱还是给我放了 (lexicons/patterns.tsv)
    name: 'noteIgnored',
    when: againstNote,
    yields: () => ({ category: 'service_attitude', canonical: null, categoryFrom: 'context' }),
  },
  {
    // goods sent wrong, short or not at all (菜送错了, 衣服发错了, 饮料漏送了, 发了个空盒子) are a delivery complaint like 送错 alone, not one about the
    // dish or the goods named (菜 would file it under taste)
    name: 'misdelivered',
    when: (c) => c.op.score < 0 && MISDELIVERED.test(c.phrase),
    yields: (c) => ({ category: 'logistics', canonical: c.hit?.category === 'logistics' ? c.hit.canonical : '快递', categoryFrom: 'opinion' }),
  },
  {
    // annoyance (烦, 烦人) is a generic complaint about whatever it follows; a sales pitch in the sentence (推销, 营销电话)
    // makes it marketing
    name: 'annoyedByPitch',
    when: (c) => ANNOYANCE.test(c.op.core) && salesPitch(c.x, c.lc, c.tokens, c.clauses, c.op.clause),
    yields: () => ({ category: 'marketing', canonical: '推销', categoryFrom: 'context' }),
  },
  {
    // buffering with no target of its own, right after a slow line, is the line's
    name: 'stallOnSlowLine',
    when: (c) => c.hit === null && lineStall(c),
    yields: () => ({ category: 'network', canonical: '网络', categoryFrom: 'context' }),
  },
  {
    // a courier or rider praised or blamed as a person (快递小哥人很好, 骑手很有礼貌) is how they served, not the delivery
    name: 'courierAsPerson',
    when: (c) =>
      c.hit?.category === 'logistics' && c.op.aspect !== null && isPersonWord(c.op.aspect.text) && (c.implicit === 'service_attitude' || PERSON_VERDICT.test(c.phrase)),
    yields: () => ({ category: 'service_attitude', canonical: '工作人员', categoryFrom: 'opinion' }),
  },
  {
    // the subject of a passive (套餐被莫名其妙升级了) is what the event happened to: a term inside the phrase (升级, an
    // app word) is the event's verb, not another target
    name: 'passiveSubject',
    when: (c) => c.hit !== null && c.op.aspect !== null && c.op.aspect.end <= c.op.start && PASSIVE_LINK.test(c.lc.slice(c.op.aspect.end, c.op.start)),
    yields: byAspect,
  },
  {
    // an update or upgrade told of a thing that is no app (物流信息一周都没更新了) is that thing's event, not the app's
    name: 'updateOfThing',
    when: (c) =>
      c.hit !== null && c.hit.how !== 'contains' && c.hit.category !== 'app_experience' && !c.implicit && tokensBetween(c.tokens, c.op.start, c.op.end).some((t) => UPDATE_VERB.test(t.word)),
    yields: byAspect,
  },
  {
    // a target named inside the phrase itself (说好的免年费呢) beats one linked from elsewhere
    name: 'targetInsidePhrase',
    when: (c) => !c.implicit && (!c.hit || c.op.aspectDistant === true) && c.insideCategory() !== null,
    yields: (c) => ({ category: c.insideCategory()!, canonical: null, categoryFrom: 'context' }),
  },
  {
    // an opinion word that implies nothing leaves the named aspect to decide, however weak
    name: 'aspectAlone',
    when: (c) => c.hit !== null && !c.implicit,
    yields: byAspect,
  },
  {
    // a courier's or rider's pace (骑手小哥超快) is delivery, though a wait they sat through (骑手在店里等了半小时, a
    // pattern) is not
    name: 'courierPace',
    when: (c) => c.hit?.category === 'logistics' && c.implicit === 'efficiency' && !c.op.fromPattern,
    yields: byAspect,
  },
  {
    // a device that hangs (路由器三天两头死机) is faulty goods, not software, though its aspect is weak; only for a weak
    // device group: for every quality aspect it turned 手机…死机 from app_experience to quality
    name: 'deviceFault',
    when: (c) => c.hit?.category === 'quality' && c.implicit === 'app_experience' && c.x.lex.taxonomy.weakAspects.has(c.hit.canonical),
    yields: byAspect,
  },
  {
    // goods that smell (衣服有异味, 手套一股霉味) are faulty goods; a smell is the premises' only in a room or hall
    name: 'goodsSmell',
    when: (c) => c.hit?.category === 'quality' && c.hit.how !== 'contains' && GOODS.test(c.hit.canonical) && c.implicit === 'environment' && SMELL.test(c.op.core),
    yields: byAspect,
  },
  {
    // buffering with a network target named (宽带网速只有一半，晚上看视频一直缓冲) stays with the network
    name: 'stallOnNamedLine',
    when: (c) => c.hit !== null && lineStall(c),
    yields: byAspect,
  },
  {
    // a process judged by its pace (流程太磨叽, 手续真折腾) is efficiency, not the rule itself
    name: 'paceOfProcess',
    when: (c) => c.hit?.category === 'policy' && c.implicit === 'efficiency',
    yields: byOpinion,
  },
  {
    // a screen that crashes or freezes while doing a business step (App转账老是闪退, 还款老是白屏) is the app's fault,
    // not the step's pace; a step that merely fails (转账老是失败) stays with the step
    name: 'appFault',
    when: (c) => c.hit?.category === 'efficiency' && c.implicit === 'app_experience' && APP_CRASH.test(c.op.core),
    yields: byOpinion,
  },
  {
    // a wait or queue told at the place it happened (营业厅里前面排了三十多个人) is about the wait, not the premises
    name: 'waitAtPlace',
    when: (c) => c.hit?.canonical === '环境' && c.implicit === 'efficiency' && c.op.fromPattern,
    yields: byOpinion,
  },
  {
    // help the staff gave with the customer's things (帮我把手机都设置好了, 帮我把宽带调试好了) praises the help, not the thing
    name: 'helpWithGoods',
    when: (c) => c.op.fromPattern && c.op.role === 'evidence' && c.op.score > 0 && c.op.patternCategory === 'service_attitude' && c.hit !== null && c.hit.category !== 'service_attitude',
    yields: byOpinion,
  },
  {
    // what a thing costs (衣服太贵了, 积分兑换的东西比外面还贵, 餐饮贵得离谱) is a price verdict whatever the thing: every
    // such opinion of the gold sets is price. Only words that say nothing else: 黑 (房间很黑), 良心 and 能接受 (质量还能
    // 接受) also imply price and stay with their target
    name: 'costOfThing',
    when: (c) => c.implicit === 'price' && c.hit !== null && c.hit.category !== 'price' && COST_WORD.test(c.op.core),
    yields: (c) => ({ category: 'price', canonical: c.implicitHit?.aspect ?? null, categoryFrom: 'opinion' }),
  },
  {
    // a strong target written next to its opinion (房间很干净) is what is judged
    name: 'strongAspect',
    when: strongAspect,
    yields: byAspect,
  },
  {
    // otherwise the opinion word or pattern says what it judges (太贵了 → price), even about a person or a process named
    name: 'impliedByOpinion',
    when: (c) => c.implicit !== null,
    yields: byOpinion,
  },
  {
    // a verdict on 'the rest' (除了价格贵，其他都挺好) takes no category from the topic it explicitly excludes
    name: 'theRest',
    when: (c) => OTHER_THINGS.test(c.lc.slice(c.op.clause.start, c.op.start)),
    yields: () => ({ category: 'other', canonical: null, categoryFrom: 'fallback' }),
  },
  {
    // a general evaluation (挺不错, 爽) right after a specific one is about the same thing; one with a thing of its own
    // the taxonomy does not know (购物体验非常糟糕) is not
    name: 'followsSpecific',
    when: (c) => !c.ownThing && c.previous !== null && c.previous.sentence >= c.op.clause.sentence - 1,
    yields: (c) => ({ category: c.previous!.category, canonical: null, categoryFrom: 'context' }),
  },
  {
    // such an opinion takes a topic from its own sentence at most when it has a thing of its own: the topic of earlier
    // sentences (包装也破损了。) is someone else's, and borrowing it gave a repeated sentence another category
    name: 'topicAround',
    when: (c) => c.borrowedTopic() !== null,
    yields: (c) => ({ category: c.borrowedTopic()!, canonical: null, categoryFrom: 'context' }),
  },
  {
    // a seller judged alone (卖家一直不理人) is how they treated the customer
    name: 'serverAlone',
    when: (c) => c.ownThing && SERVER.test(c.op.aspect!.text),
    yields: () => ({ category: 'service_attitude', canonical: null, categoryFrom: 'aspect' }),
  },
  {
    name: 'fallback',
    when: () => true,
    yields: () => ({ category: 'other', canonical: null, categoryFrom: 'fallback' }),
  },
];

/**
 * One per opinion, read by every rule until one matches. A class with every field set in its constructor, not an
 * object spread from the input: built that way the table cost the rule stage ~15%; built this way the stage, with a day
 * of new rules in it too, is within 4-6% of what it was before the table (docs/benchmarks.md, 2026-12-01).
 */
class Context implements ResolveContext {
  readonly x: ExtractLexicon;
  readonly op: RawOpinion;
  readonly lc: string;
  readonly tokens: Token[];
  readonly clauses: Clause[];
  readonly previous: PreviousTag | null;
  readonly earlierTopic: CategoryId | null;
  readonly hit: AspectHit | null;
  readonly implicitHit: Implied | null;
  readonly implicit: CategoryId | null;
  readonly phrase: string;
  readonly clauseText: string;
  readonly ownThing: boolean;
  // computed on demand, once: a rule's `when` and its `yields` ask the same
  private around: CategoryId | null | undefined = undefined;
  private inside: CategoryId | null | undefined = undefined;
  private borrowed: CategoryId | null | undefined = undefined;

  constructor(input: ResolveInput) {
    const { x, op, lc } = input;
    this.x = x;
    this.op = op;
    this.lc = lc;
    this.tokens = input.tokens;
    this.clauses = input.clauses;
    this.previous = input.previous;
    this.earlierTopic = input.earlierTopic;
    this.hit = op.aspect ? lookupAspect(x, op.aspect.text) : null;
    this.implicitHit = implicitFor(x, op.core);
    this.implicit = op.patternCategory ?? this.implicitHit?.category ?? null;
    this.phrase = lc.slice(op.start, op.end);
    this.clauseText = lc.slice(op.clause.start, op.clause.end);
    this.ownThing = op.aspect !== null && !op.aspectDistant;
  }

  contextCategory(): CategoryId | null {
    if (this.around === undefined) this.around = contextCategory(this.x, this.tokens, this.clauses, this.op.clause, this.op.start);
    return this.around;
  }

  insideCategory(): CategoryId | null {
    if (this.inside === undefined) this.inside = innerCategory(this.x, this.tokens, this.op.start, this.op.end);
    return this.inside;
  }

  borrowedTopic(): CategoryId | null {
    if (this.borrowed === undefined) this.borrowed = this.contextCategory() ?? (this.ownThing ? null : (topicBefore(this.x, this.tokens, this.op.start) ?? this.earlierTopic));
    return this.borrowed;
  }
}

/** The category an opinion is filed under: the first rule of CATEGORY_RULES that matches. */
export function resolveCategory(input: ResolveInput): Resolution {
  const c = new Context(input);
  for (const rule of CATEGORY_RULES) if (rule.when(c)) return rule.yields(c);
  throw new Error('unreachable: the fallback rule always matches');
}
