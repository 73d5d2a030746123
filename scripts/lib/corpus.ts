import type { Random } from './random.js';

// Short Chinese CX feedback built from parts, so a run of 10,000 documents is not 10,000 copies of
// six sentences: the analyzer sees varied aspects, negation, degree adverbs, traditional characters,
// full-width digits, emoji and the odd phone number (which ingest must mask). Variety matters for
// chaos because tag ids hash span and aspect: identical texts would hide a duplicate-tag bug.

export interface CxDocument {
  kind: 'comment' | 'transcript' | 'social';
  source: string;
  externalId: string;
  text?: string;
  turns?: { speaker: 'customer' | 'agent'; text: string }[];
  customerId?: string;
  occurredAt?: string;
  metadata?: Record<string, string | number>;
}

interface Theme {
  aspects: string[];
  good: string[];
  bad: string[];
}

const THEMES: Theme[] = [
  { aspects: ['网络', '信号', '宽带', '5G信号', 'WiFi'], good: ['很顺畅', '挺稳定的', '比以前快多了', '一直不错'], bad: ['老是断', '太差了', '特别慢', '时好时坏', '一到晚上就卡'] },
  { aspects: ['App', '小程序', '页面', '新版本', '登录'], good: ['很好用', '界面挺清爽', '操作简单', '反应很快'], bad: ['老是闪退', '很卡', '加载太慢', '一直报错', '不太好用'] },
  { aspects: ['客服', '客服态度', '售后', '工作人员', '人工客服'], good: ['很耐心', '态度很好', '解决问题很快', '挺专业的'], bad: ['爱答不理', '态度太差了', '一直推脱', '根本打不通', '回复很慢'] },
  { aspects: ['价格', '套餐', '手续费', '运费', '会员费'], good: ['挺实惠', '性价比很高', '很合理', '比别家便宜'], bad: ['太贵了', '不合理', '涨得太快', '收得莫名其妙'] },
  { aspects: ['配送', '快递', '外卖', '物流', '送货'], good: ['很快', '很准时', '包装很仔细', '第二天就到了'], bad: ['太慢了', '送错地址', '包装破损', '一直不更新'] },
  { aspects: ['账单', '扣费', '话费', '退款'], good: ['很清楚', '到账很快', '一目了然'], bad: ['多扣了钱', '不透明', '迟迟不到账', '算得不对'] },
  { aspects: ['房间', '菜品', '质量', '做工', '味道'], good: ['很干净', '很好', '很新鲜', '没得挑'], bad: ['一般', '有异味', '太咸了', '做工粗糙', '和图片不一样'] },
];

const OPENERS = ['', '', '', '说实话，', '用了半年，', '第一次用，', '朋友推荐的，', '哎，', '总体来说，', '这次'];
const LINKS = ['，但是', '，而且', '。', '，就是', '，不过', '；'];
const CLOSERS = ['', '。', '！', '，希望改进。', '，会继续支持。', '，不会再买了。', '，给个好评。', '，差评！', '？？？'];
const EMOJI = ['😡', '👍', '[怒]', '[赞]', '🙄', '😊'];
const HASHTAGS = ['#吐槽#', '#避雷#', '#好物分享#', '#客服#', '#宽带#'];
const AGENT_LINES = [
  '您好，请问有什么可以帮您？',
  '好的，我这边帮您查询一下。',
  '非常抱歉给您带来不便。',
  '请问还有其他问题吗？',
  '已经帮您登记了，请耐心等待。',
  '感谢您的反馈，我们会尽快处理。',
];
const SOURCES: Record<CxDocument['kind'], string[]> = {
  comment: ['app-review', 'survey', 'nps', 'store-review'],
  transcript: ['call-center', 'online-chat'],
  social: ['weibo', 'xiaohongshu', 'douyin'],
};
// A few characters in traditional form and full-width digits exercise normalization offsets.
const TRADITIONAL: Record<string, string> = { 网: '網', 络: '絡', 顺: '順', 态: '態', 费: '費', 价: '價', 递: '遞', 问: '問' };
const toTraditional = (s: string) => s.replace(/[网络顺态费价递问]/g, (c) => TRADITIONAL[c] ?? c);
const fullWidthDigits = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

function clause(rng: Random): string {
  const theme = rng.pick(THEMES);
  const aspect = rng.pick(theme.aspects);
  if (rng.chance(0.12)) return `${aspect}没有想象中${rng.pick(['差', '慢', '贵'])}`;
  if (rng.chance(0.1)) return `${aspect}不是很${rng.pick(['好', '稳定', '方便'])}`;
  return aspect + rng.pick(rng.chance(0.55) ? theme.bad : theme.good);
}

function sentence(rng: Random): string {
  let text = rng.pick(OPENERS) + clause(rng);
  const extra = rng.int(0, 2);
  for (let i = 0; i < extra; i++) text += rng.pick(LINKS) + clause(rng);
  if (rng.chance(0.2)) text += `，等了${rng.int(2, 15)}天`;
  if (rng.chance(0.15)) text += `，花了${rng.int(9, 899)}块钱`;
  if (rng.chance(0.05)) text += `，我的手机号是1${rng.int(3, 9)}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
  text += rng.pick(CLOSERS);
  if (rng.chance(0.08)) text = toTraditional(text);
  if (rng.chance(0.08)) text = fullWidthDigits(text);
  return text;
}

/** Document `index` of a run; the same (seed, index) always gives the same document. */
export function makeDocument(rng: Random, runTag: string, index: number): CxDocument {
  const roll = rng.next();
  const kind: CxDocument['kind'] = roll < 0.6 ? 'comment' : roll < 0.8 ? 'transcript' : 'social';
  const doc: CxDocument = { kind, source: rng.pick(SOURCES[kind]), externalId: `${runTag}-${index}` };
  if (kind === 'transcript') {
    const turns: NonNullable<CxDocument['turns']> = [{ speaker: 'agent', text: rng.pick(AGENT_LINES) }];
    const exchanges = rng.int(1, 3);
    for (let i = 0; i < exchanges; i++) {
      turns.push({ speaker: 'customer', text: sentence(rng) });
      turns.push({ speaker: 'agent', text: rng.pick(AGENT_LINES) });
    }
    doc.turns = turns;
  } else if (kind === 'social') {
    doc.text = `${rng.chance(0.5) ? rng.pick(HASHTAGS) : ''}${sentence(rng)}${rng.chance(0.6) ? rng.pick(EMOJI) : ''}`;
  } else {
    doc.text = sentence(rng);
  }
  if (rng.chance(0.7)) doc.customerId = `c-${rng.int(1, 2000)}`;
  if (rng.chance(0.5)) doc.occurredAt = new Date(Date.UTC(2026, 9, 1) + rng.int(0, 58 * 86_400) * 1000).toISOString();
  if (rng.chance(0.3)) doc.metadata = { appVersion: `${rng.int(3, 9)}.${rng.int(0, 20)}.${rng.int(0, 9)}`, region: rng.pick(['华东', '华北', '华南', '西南']) };
  return doc;
}
