import { normalizeText } from '../nlp/normalize.js';

/*
 * Whether the customer threatens to escalate, or says they already have, as opposed to merely naming an
 * escalation channel. 我要投诉你们 and 再不退款我就去银保监会举报 carry no opinion tag (our gold conventions tag
 * opinions about an aspect, not threats), so a routing that opened cases only for negative tags never sent
 * them to a team; 我之前投诉的理赔今天到账了 and 在App上投诉有用吗 name the same words and need nothing.
 *
 * Each occurrence of an escalation word (the tenant's list) is read in its clause: the text before it
 * (`before`) and after it (`after`), and the sentence around it for a resolution. An exclusion wins over a
 * frame, so 我不会投诉你们 is no threat although 投诉你们 is a frame. The tables are the whole rule; docs/actions.md
 * ("Escalation threats") lists them in prose and tests/actions/escalation-intent.test.ts holds the examples.
 */

interface Frame {
  name: string;
  before?: RegExp;
  after?: RegExp;
  clause?: RegExp;
}

// A threat or intent: the customer says they will (or already did) take it further.
const STRONG = '一定|肯定|必须|马上|立刻|立即|直接|绝对|坚决';
export const THREAT_FRAMES: readonly Frame[] = [
  // 我要投诉, 我会去消协, 我们准备起诉, 我就找媒体, 我想投诉一下物流, 我立刻投诉: first person + intent, within ten characters
  {
    name: 'first-person intent',
    before: new RegExp(`(?:我|俺|本人|老子|咱)们?(?:也|还|就|都|真的|今天|明天|现在|这就)?(?:${STRONG}|(?:${STRONG})?(?:要|会|得|准备|打算|决定|考虑|想|只能|只好|非要|非得|去|找|打))[^,]{0,10}$`),
  },
  // 要向旅游局投诉, 说要投诉到消协, 准备去12315: intent without a subject (需要, 主要, 只要, 想要 are not it)
  { name: 'intent', before: /(?:(?<![需主重只想])要|准备|打算|决定)(?:向|去|找|打|到|给|跟)?[^,]{0,6}$/ },
  // 这样的商家必须投诉, 强烈投诉, 严重投诉
  { name: 'demand', before: /(?:一定要|一定会|必须|坚决|强烈|严重|马上|立刻|立即)[^,]{0,4}$/ },
  // 再不退款…举报, 不给说法就曝光, 否则12315: an ultimatum (如果不是 is no condition on the business)
  { name: 'ultimatum', before: /(?:再不|还不|要是不(?!是)|如果不(?!是)|若不(?!是)|不然|否则|要不然|不[^,]{1,6}就|再[^,]{1,6}就)[^,]{0,14}$/ },
  // …就曝光你们, 就去投诉 (就是 is a copula, not a consequence)
  { name: 'consequence', before: /就(?!是)[^,]{0,8}$/ },
  // 去12315投诉, 找媒体: going somewhere to complain (去年 is a time, 过去/失去/回去 are not a going)
  { name: 'going', before: /(?:(?<![过失回])去(?!年)|找)[^,]{0,8}$/ },
  // 打12315, 打个电话给12315, 打电话给百度外卖投诉
  { name: 'calling', before: /打(?:了|个|一次)?(?:电话)?(?:给|到|去)?$|打(?:了|个)?电话(?:给|到|去)[^,]{0,8}$/ },
  // 等着被曝光吧, 到时候别怪我举报
  { name: 'warning', before: /(?:等着|等著|准备好|小心|到时候|回头|迟早)[^,]{0,10}$/ },
  // 我们保留向有关部门投诉的权力
  { name: 'reserving the right', before: /保留[^,]{0,12}$/ },
  // 我已经向银保监会投诉了: an escalation under way is no less urgent than a threatened one (已经是律师, 已经被曝光 are not)
  { name: 'already escalated', before: /(?:已经|已)(?!是|被|经是|经被)(?:向|去|到|找|打|在|跟)?[^,]{0,10}$/ },
  // 投诉你们, 曝光这家: the business as the object
  { name: 'against the business', after: /^(?:你们|你|贵公司|贵司|你家|这家|这个|商家|店家|客服|平台)/ },
  // 12315见, 投诉到底
  { name: 'see you at', after: /^(?:见|到底)/ },
  // 投诉！ as an exclamation of its own (without the mark a lone 曝光 is as likely a camera's exposure)
  { name: 'alone', before: /^$/, after: /^[!！]+$/ },
];

// Not the customer's threat, whatever the frame.
export const EXCLUSIONS: readonly Frame[] = [
  // 我不会投诉你们, 不想去12315, 没去消协, 不是要投诉: the negation governs the verb; 再不退款就去举报 is not
  // negated (the 不 is on 退款, and what follows 就 is the threat)
  { name: 'negated', before: /(?:不|没有|没|别|甭|无需|不必|不用|懒得)(?:会|想|要|打算|准备|用|必|需要|敢|再|是要|是想)*(?:(?:去|找|向|打|跟|到|在)[^,]{0,8})?$/ },
  // 在App上投诉有用吗, 怎么投诉, 投诉电话在哪: asking about the channel. 你信不信我去12315 is rhetorical, see below.
  { name: 'question', clause: /(?:[?？]|吗|么|呢)[\s。.!！]*$|怎么|如何|哪里|哪儿|在哪|有用|管用|有没有|能不能|可不可以|是否/ },
  // 投诉电话打不通, 告诉我投诉渠道: the channel named as a thing (我要打投诉电话 still threatens)
  { name: 'channel', before: /^(?![\s\S]*(?:要|会|就|去)打$)/, after: /^(?:的)?(?:电话|热线|渠道|入口|方式|按钮|页面|专线|选项|编号)/ },
  // 随便你去投诉, 让我去投诉环保部门, 建议我们回来投诉: someone telling the customer where to complain
  { name: 'told to', before: /(?:让|叫|要|建议|随便|请)(?:我|你|您)[^,]{0,8}$|(?<!我)你去[^,]{0,6}$/ },
  // 我之前投诉的…, 上次投诉过, 本来想投诉的: a complaint of the past, or one given up, mentioned
  { name: 'past', before: /(?:之前|以前|上次|上回|曾经|当时|早前|前段时间|去年|上个月|上周|本来|本想|原本|原想|差点)[^,]{0,12}$/ },
  { name: 'past', after: /^过/ },
  // 有人投诉你们, 朋友说要曝光, 隔壁的客人投诉, 经理表示要咨询律师: someone else is the subject, before the word and
  // with no 我 there (投诉他们 has them as the object; 他妈 is an expletive; 打电话到前台投诉 and 找经理投诉 name
  // whom the customer complained to)
  {
    name: 'someone else',
    before: /^(?![\s\S]*我)[\s\S]*(?:他(?!妈)|她|别人|朋友|同事|家人|很多人|(?<!没)有人|大家|网友|邻居|客人|顾客|隔壁|楼上|楼下|对方|(?<!(?:到|找|向|给|和|跟|打)[^,]{0,4})(?:经理|前台|服务员|老板|店员|骑手|快递员))/,
  },
];

// A rhetorical question is a threat: 你信不信我去12315投诉你们？ The question exclusion does not apply.
const RHETORICAL = /信不信|看我|敢不敢/;

// …今天到账了, 已经解决了: the escalation is over. Read on the whole sentence (the resolution is often its own clause).
const RESOLVED = /到账|解决了|已解决|处理好了|处理完了|搞定|撤销|撤回|撤诉|退回来了|已退款|已经退了|补偿了/;

/** Why one occurrence is or is not a threat: the first exclusion that holds, else the first frame. */
export function readOccurrence(clause: string, sentence: string, at: number, word: string): { threat: boolean; why: string | null } {
  const before = clause.slice(0, at);
  const after = clause.slice(at + word.length);
  const holds = (f: Frame) => (f.before ? f.before.test(before) : true) && (f.after ? f.after.test(after) : true) && (f.clause ? f.clause.test(clause) : true);
  for (const f of EXCLUSIONS) {
    if (f.name === 'question' && RHETORICAL.test(clause)) continue;
    if (holds(f)) return { threat: false, why: f.name };
  }
  if (RESOLVED.test(sentence)) return { threat: false, why: 'resolved' };
  const frame = THREAT_FRAMES.find(holds);
  return frame ? { threat: true, why: frame.name } : { threat: false, why: null };
}

const fold = (s: string) => normalizeText(s).text.toLowerCase();

/** Every occurrence of the words in the text, in its clause, with the frame or exclusion that decided it (for the tests and for tuning). */
export function escalationReadings(text: string, words: readonly string[]): { word: string; clause: string; threat: boolean; why: string | null }[] {
  const folded = fold(text);
  const out: { word: string; clause: string; threat: boolean; why: string | null }[] = [];
  const targets = words.map((word) => ({ word, w: fold(word).trim() })).filter((t) => t.w.length > 0);
  for (const sentence of folded.match(/[^。.!?\n]+[。.!?]*/g) ?? []) {
    for (const raw of sentence.match(/[^,;:，；：…~]+[,;:，；：…~]*/g) ?? []) {
      const clause = raw.replace(/[,;:，；：…~]+$/, '').trim();
      for (const { word, w } of targets) {
        for (let at = clause.indexOf(w); at >= 0; at = clause.indexOf(w, at + 1)) out.push({ word, clause, ...readOccurrence(clause, sentence, at, w) });
      }
    }
  }
  return out;
}

/**
 * The words of `words` (as the list writes them) that the text uses in a threat frame. The text is folded as
 * the analyzer folds it (繁体, full width: 我要投訴你們 and １２３１５ read as 我要投诉你们 and 12315), and so are the words.
 * Pass the customer's own words only (customerText): 您要投诉吗 from an agent must not count.
 */
export function escalationThreats(text: string, words: readonly string[]): string[] {
  const threats = new Set(escalationReadings(text, words).filter((r) => r.threat).map((r) => r.word));
  return words.filter((w) => threats.has(w));
}
