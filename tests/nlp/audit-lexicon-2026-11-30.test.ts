import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR } from '../helpers/analyzer.js';
import { normalizeText } from '../../src/nlp/normalize.js';
import { loadLexicon } from '../../src/nlp/lexicon.js';
import { loadJieba, tokenize } from '../../src/nlp/segment.js';
import type { Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Lexicon and category fixes for the QA audit of 2026-11-29 (M1 missed evaluations, M3 categories, M6 Cantonese).
// The inputs are our own variations, not the audit's sentences: each case stands for a class of vocabulary.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

async function tags(text: string): Promise<ExtractedTag[]> {
  return (await analyzeChecked(analyzer, text)).tags;
}

const show = (ts: ExtractedTag[]) => JSON.stringify(ts.map((t) => [t.aspect, t.opinion, t.polarity, t.category]));

/** [text, opinion the tag contains, polarity, category] */
type Case = readonly [string, string, 'positive' | 'negative', string];

async function expectCases(cases: readonly Case[]) {
  for (const [text, opinion, polarity, category] of cases) {
    const ts = await tags(text);
    const t = ts.find((x) => x.opinion.includes(opinion));
    expect(t, `${text}: ${show(ts)}`).toBeDefined();
    expect([t!.polarity, t!.category], `${text}: ${show(ts)}`).toEqual([polarity, category]);
  }
}

describe('M1: CX evaluations the lexicon did not know', () => {
  it('fees, rules and stinginess (price / policy)', async () => {
    await expectCases([
      ['月租年年涨', '年年涨', 'negative', 'price'],
      ['这种隐形消费太坑了', '隐形消费', 'negative', 'price'],
      ['装个宽带还要另交两百，有点肉疼', '肉疼', 'negative', 'price'],
      ['这钱交得真冤', '冤', 'negative', 'price'],
      ['这个规定太霸道了', '霸道', 'negative', 'policy'],
      ['免赔条件太苛刻了', '苛刻', 'negative', 'policy'],
      ['积分规则改来改去，就是文字游戏', '文字游戏', 'negative', 'policy'],
      ['手续费扣得毫无道理', '毫无道理', 'negative', 'price'],
    ]);
  });

  it('unanswered requests, attitude, network and app complaints', async () => {
    await expectCases([
      ['投诉提交半个月了，石沉大海', '石沉大海', 'negative', 'resolution'],
      ['问题一直没见改善', '没见改善', 'negative', 'resolution'],
      ['那个营业员一直黑脸', '黑脸', 'negative', 'service_attitude'],
      ['网络断断续续的', '断断续续', 'negative', 'network'],
      ['页面一直转圈', '转圈', 'negative', 'app_experience'],
      // a process judged by its pace is efficiency (the gold sets file 流程太繁琐/太磨叽/比登天还难 there)
      ['退款流程太曲折了', '曲折', 'negative', 'efficiency'],
    ]);
  });

  it('praise: skill, expectations, sincerity, clarity, safety, full signal', async () => {
    await expectCases([
      ['大堂经理业务很熟练', '熟练', 'positive', 'service_attitude'],
      ['办理速度超出预期', '超出预期', 'positive', 'efficiency'],
      ['这次的赔偿方案挺有诚意', '有诚意', 'positive', 'resolution'],
      ['大堂经理解释得非常清楚', '非常清楚', 'positive', 'service_attitude'],
      ['用下来感觉很安全', '很安全', 'positive', 'account_security'],
      ['家里信号满格', '满格', 'positive', 'network'],
      ['客服态度好，好感度+1', '好感度+1', 'positive', 'other'],
    ]);
  });

  it('scalar aspects: limits and cover are benefits, steps a cost', async () => {
    await expectCases([
      ['临时额度给得太低了', '太低', 'negative', 'policy'],
      ['保额设置得太低了', '太低', 'negative', 'policy'],
      ['App颜值很高', '很高', 'positive', 'app_experience'],
      ['开户的步骤太多了', '太多', 'negative', 'policy'],
    ]);
  });

  it('hearing the neighbours clearly is noise, not clarity', async () => {
    await expectCases([['隔音不行，隔壁说话听得很清楚', '听得很清楚', 'negative', 'environment']]);
  });

  it('questions, notices and agent advice with these words stay untagged', async () => {
    for (const text of ['请问提额需要什么材料？', '为了您的账户安全，请不要泄露验证码', '温馨提示：明天凌晨系统升级', '请问宽限期是多久？', '系统显示转账限额是五万', '请把开户步骤发给我']) {
      expect(await tags(text), text).toEqual([]);
    }
  });
});

describe('M3: categories of bank, telecom and insurance vocabulary', () => {
  it('sales calls, collection calls and the phone line are not the hotline', async () => {
    await expectCases([
      ['电话销售一天三个，真烦', '烦', 'negative', 'marketing'],
      ['催款电话天天打，太过分了', '过分', 'negative', 'policy'],
      ['电话都打不出去', '打不出去', 'negative', 'network'],
      ['客服电话一直打不通', '打不通', 'negative', 'efficiency'],
    ]);
  });

  it('credit limits, number porting and frozen accounts', async () => {
    await expectCases([
      ['调额太难了', '难', 'negative', 'policy'],
      ['携号转网拖了十天还没办好', '没办好', 'negative', 'efficiency'],
      ['账户冻结得莫名其妙', '莫名其妙', 'negative', 'account_security'],
    ]);
  });

  it('insurance and telecom staff are people: service attitude', async () => {
    await expectCases([
      ['核保员态度很好', '很好', 'positive', 'service_attitude'],
      ['代理人很专业', '专业', 'positive', 'service_attitude'],
      ['理赔员很负责', '负责', 'positive', 'service_attitude'],
      ['营业员很热情', '热情', 'positive', 'service_attitude'],
    ]);
    const t = (await tags('代理人很专业'))[0]!;
    expect(t.aspect).toBe('代理人');
  });

  it('香 on a service is not taste; network quality is network', async () => {
    await expectCases([
      ['售后保价服务太香了', '香', 'positive', 'after_sales'],
      ['网络质量太差', '差', 'negative', 'network'],
      ['宽带质量一般般', '一般', 'negative', 'network'],
    ]);
  });
});

describe('M6: Cantonese', () => {
  it('唔 and 冇 read as 不 and 没; 咁 and 真係 as degree words', async () => {
    await expectCases([
      ['呢個套餐真係唔抵', '唔抵', 'negative', 'price'],
      ['屋企冇信號', '冇信號', 'negative', 'network'],
      ['客服好冇禮貌', '冇禮貌', 'negative', 'service_attitude'],
      ['網速咁慢', '咁慢', 'negative', 'network'],
      ['個App唔好用', '唔好用', 'negative', 'app_experience'],
    ]);
  });

  it('唔該 (thanks) and an interjection 唔 are left alone, and the offset map stays 1:1', async () => {
    expect(await tags('唔該晒')).toEqual([]);
    expect(normalizeText('唔該晒').text).toBe('唔该晒');
    expect(normalizeText('唔，好吧').text).toBe('唔,好吧');
    const n = normalizeText('真係唔抵，冇用');
    expect(n.text).toBe('真系不抵,没用');
    expect(n.text.length).toBe('真係唔抵，冇用'.length);
  });
});

describe('segmentation: the user dictionary tag wins, HMM pieces split before 得 and degree words', () => {
  it('全程 is an adverb, not part of the aspect', async () => {
    const lex = loadLexicon(LEXICON_DIR);
    const jieba = loadJieba(lex);
    const text = '工作人员全程很耐心';
    expect(tokenize(jieba, text, 0, text.length).find((t) => t.word === '全程')?.tag).toBe('d');
    const t = (await tags(text))[0]!;
    expect(t.aspect).toBe('工作人员');
  });
});
