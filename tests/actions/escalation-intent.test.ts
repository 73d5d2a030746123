import { describe, expect, it } from 'vitest';
import { escalationThreats } from '../../src/actions/escalation-intent.js';
import { DEFAULT_ESCALATION_WORDS, defaultRoutingTable, routeDocument } from '../../src/actions/routing-service.js';
import { customerText } from '../../src/actions/text.js';
import type { DocumentRecord, TagRecord } from '../../src/store/records.js';

// Threats (and escalations under way) a team must see although they carry no opinion tag: the words the
// default escalation list finds in a threat frame.
const THREATS: [string, string[]][] = [
  ['我要投诉你们', ['投诉']],
  ['再不退款我就去银保监会举报', ['举报', '银保监']],
  ['我要找媒体曝光你们', ['曝光', '媒体']],
  ['我会去12315投诉', ['投诉', '12315']],
  ['三天内不给说法，我就起诉', ['起诉']],
  ['我们准备请律师了', ['律师']],
  ['你们等着被曝光吧', ['曝光']],
  ['不处理的话否则消协见', ['消协']],
  ['再这样就举报你们', ['举报']],
  ['我已经向银保监会投诉了，你们看着办', ['投诉', '银保监']],
  ['我想投诉一下这个快递员', ['投诉']],
  ['你信不信我去12315投诉你们？', ['投诉', '12315']],
  ['投诉到底！', ['投诉']],
  ['明天就打12315', ['12315']],
  ['这样的商家我必须投诉！', ['投诉']],
  ['强烈投诉！！', ['投诉']],
  ['一会儿打电话给百度外卖投诉', ['投诉']],
  ['对此事我们保留向有关部门投诉的权力', ['投诉']],
  ['最后我发飙要向旅游局投诉', ['投诉']],
  // traditional characters and full-width digits read as their simplified twins
  ['再不退款我就去銀保監會舉報', ['举报', '银保监']],
  ['我要找媒體曝光你們！', ['曝光', '媒体']],
  ['我要打１２３１５', ['12315']],
  // Cantonese: 唔 is read as 不
  ['唔退钱我就去消委会投诉', ['投诉']],
];

// The same words naming a channel, a past complaint, someone else's, or a negated one: no case of their own.
const NOT_THREATS: string[] = [
  '我之前投诉的理赔今天到账了',
  '在App上投诉有用吗',
  '怎么投诉？',
  '投诉电话在哪里',
  '我不会投诉你们的，放心',
  '我没去消协投诉，先给你们一次机会',
  '不想去12315，太麻烦',
  '上次投诉过，后来处理好了',
  '我投诉的问题已经解决了，谢谢',
  '听说很多人投诉你们',
  '朋友说要曝光这家店',
  '我是做媒体工作的',
  '律师事务所的地址是什么',
  '我之前投訴的理賠今天到賬了',
  '在App上投訴有用嗎',
  '我不是要投诉你们，只是想问一下进度',
  // lessons from the 539 texts of the shared sentiment sets that hold a default escalation word
  '随便你去投诉吧',
  '投诉电话根本打不通',
  '本来想投诉的，太忙就算了',
  '对于已经是律师的人来说有点多余',
  '这个牌子已经被曝光好几次了',
  '曝光有点过度，夜景偏暗',
  '隔壁的客人投诉我们太吵',
  '经理表示要咨询律师才能答复',
  '如果不是投诉，他们根本不理',
];

describe('escalation intent: threats open cases, mentions do not', () => {
  it.each(THREATS)('%s → %j', (text, words) => {
    expect(escalationThreats(text, DEFAULT_ESCALATION_WORDS).sort()).toEqual([...words].sort());
  });

  it.each(NOT_THREATS)('%s → no threat', (text) => {
    expect(escalationThreats(text, DEFAULT_ESCALATION_WORDS)).toEqual([]);
  });

  it("a tenant's own escalation word is read in the same frames", () => {
    expect(escalationThreats('我要找消费者协会', ['消费者协会'])).toEqual(['消费者协会']);
    expect(escalationThreats('消费者协会的电话是多少？', ['消费者协会'])).toEqual([]);
  });
});

const doc = (over: Partial<DocumentRecord>): DocumentRecord =>
  ({ _id: 'd1', tenant: 't', kind: 'comment', source: 'app', text: null, turns: null, normalizedText: null, createdAt: new Date('2026-11-30T00:00:00Z'), ...over }) as DocumentRecord;
const table = defaultRoutingTable('t');
const now = new Date('2026-11-30T01:00:00Z');

describe('routing a document without a negative tag', () => {
  it('a threat opens a case for escalation, one level above normal', () => {
    const d = doc({ text: '再不退款我就去银保监会举报', normalizedText: '再不退款我就去银保监会举报' });
    expect(routeDocument(table, d, [], now)).toMatchObject({ team: 'customer-care', priority: 'high', openedFor: 'escalation_threat', escalations: ['举报', '银保监'] });
  });

  it('a mention opens none', () => {
    const d = doc({ text: '我之前投诉的理赔今天到账了', normalizedText: '我之前投诉的理赔今天到账了' });
    expect(routeDocument(table, d, [], now)).toBeNull();
  });

  it("in a transcript only the customer's turns count: the agent's 您要投诉吗 is no threat, the customer's 我要投訴你們 is", () => {
    const agentOnly = doc({
      kind: 'transcript',
      turns: [
        { speaker: 'agent', text: '您好，您要投诉吗？' },
        { speaker: 'customer', text: '不用了，我就问问进度' },
      ],
      normalizedText: '不用了,我就问问进度',
    });
    expect(escalationThreats(customerText(agentOnly), DEFAULT_ESCALATION_WORDS)).toEqual([]);
    expect(routeDocument(table, agentOnly, [], now)).toBeNull();
    const customer = doc({
      kind: 'transcript',
      turns: [
        { speaker: 'agent', text: '请问还有什么可以帮您？' },
        { speaker: 'customer', text: '我要投訴你們' },
      ],
      normalizedText: '我要投诉你们',
    });
    expect(routeDocument(table, customer, [], now)).toMatchObject({ openedFor: 'escalation_threat', escalations: ['投诉'] });
  });

  it('a transcript stored as one text with speaker prefixes: the customer line threatens, the agent line does not count', () => {
    const call = (text: string, normalizedText: string) => doc({ kind: 'transcript', text, normalizedText });
    expect(routeDocument(table, call('坐席：您好，您是要投诉吗？\n客户：对，再不退款我就去12315', '对,再不退款我就去12315'), [], now)).toMatchObject({
      openedFor: 'escalation_threat',
      escalations: ['12315'],
    });
    expect(routeDocument(table, call('坐席：您好，您是要投诉吗？\n客户：不是，我查一下物流', '不是,我查一下物流'), [], now)).toBeNull();
  });

  it("a merchant's reply is not the customer's threat", () => {
    const text = '收到了。商家回复：如不满意可以投诉我们，我们会处理';
    expect(routeDocument(table, doc({ text, normalizedText: '收到了。' }), [], now)).toBeNull();
  });

  it('a negative document is still a case for its opinion, and any escalation word still raises it', () => {
    const tag = { polarity: 'negative', category: 'service_attitude' } as unknown as TagRecord;
    const d = doc({ text: '客服态度太差，在App上投诉有用吗', normalizedText: '客服态度太差,在app上投诉有用吗' });
    expect(routeDocument(table, d, [tag], now)).toMatchObject({ priority: 'high', openedFor: 'negative_opinion', escalations: ['投诉'] });
  });
});
