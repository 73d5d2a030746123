import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Targets jieba's dictionary lacks: its HMM makes them up as words tagged x (外框, 汤底, 取件, 出餐), which the
// aspect finder used to skip, leaving the opinion without its target. It must not take the sentence pieces the same
// HMM glues together (有股, 材料交了, 房间老旧).

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags } = opinionExpectations(() => analyzer);
const show = showTags;

async function aspectOf(text: string, opinion: string): Promise<string | null | undefined> {
  const ts = await tags(text);
  return ts.find((t) => t.opinion === opinion)?.aspect;
}

describe('a made-up word before the opinion is its target', () => {
  it('takes things and services jieba does not know', async () => {
    expect(await aspectOf('手机外框碎了', '碎了')).toBe('手机外框');
    expect(await aspectOf('这家的汤底够味', '够味')).toBe('汤底');
    expect(await aspectOf('上门取件准时', '准时')).toBe('上门取件');
    expect(await aspectOf('这次取车很顺利', '很顺利')).toBe('取车');
    expect(await aspectOf('今天出餐真慢', '真慢')).toBe('出餐');
  });

  it('splits a degree adverb the HMM glued to the noun before it (汤略|咸 → 汤|略咸)', async () => {
    const ts = await tags('汤略咸');
    expect(ts.some((t) => t.aspect === '汤' && t.opinion === '略咸' && t.polarity === 'negative'), show(ts)).toBe(true);
    const price = await tags('价格稍贵');
    expect(price.some((t) => t.opinion === '稍贵' && t.polarity === 'negative'), show(price)).toBe(true);
  });
});

describe('sentence pieces the HMM glued are no target', () => {
  it('leaves out 有股, a verb with its 了, and a trailing adjective', async () => {
    for (const [text, opinion] of [
      ['卫生间有股霉味', '有股霉味'],
      ['理赔材料交了一个月，一点进展都没有', '一点进展都没有'],
      ['房间设施老旧，还算整洁', '还算整洁'],
      ['大呼上当', '上当'],
    ] as const) {
      const ts = await tags(text);
      const t = ts.find((x) => x.opinion === opinion);
      expect(t, show(ts)).toBeDefined();
      expect(t!.aspect ?? '', show(ts)).not.toMatch(/有股|交了|老旧|大呼/);
    }
  });
});

describe('a thing and the process it runs are one target', () => {
  it('joins the noun and a process verb right before the verdict (dev gold: 账号保护|真的不太行)', async () => {
    expect(await aspectOf('账号保护真的不太行', '真的不太行')).toBe('账号保护');
    expect(await aspectOf('人脸机器识别太慢', '太慢')).toBe('人脸机器识别');
    expect(await aspectOf('空调制冷根本不起作用', '根本不起作用')).toBe('空调制冷');
  });

  it('keeps the person, not what they do, and leaves an event the verdict is added to', async () => {
    expect(await aspectOf('司机师傅开车很稳', '很稳')).toBe('司机师傅');
    const ts = await tags('小区停电也不提前通知');
    expect(ts.find((t) => t.opinion === '也不提前通知')?.aspect ?? null, show(ts)).toBeNull();
    // the impression is not the target
    expect(await aspectOf('房间感觉很干净', '很干净')).toBe('房间');
  });
});

describe('a process verb before its object, and verdicts on the whole', () => {
  it('names the process with its object (dev gold: 打扫房间|很仔细)', async () => {
    expect(await aspectOf('打扫房间很仔细', '很仔细')).toBe('打扫房间');
    expect(await aspectOf('解冻流程太繁琐了', '太繁琐')).toBe('解冻流程');
    expect(await aspectOf('酒店的叫醒服务很准时', '很准时')).toBe('叫醒服务');
  });

  it('gives a verdict on the whole no target, near or earlier in the sentence', async () => {
    const ts = await tags('空调很旧，整体感觉很破旧');
    expect(ts.find((t) => t.opinion === '很破旧')?.aspect ?? null, show(ts)).toBeNull();
    expect((await tags('总体感觉不错')).find((t) => t.opinion === '不错')?.aspect ?? null).toBeNull();
    expect(await aspectOf('整体环境不错', '不错')).toBe('环境');
  });
});

describe('what stands between a target and its verdict', () => {
  it('looks past 是, 倒是 and 还是 to the target', async () => {
    expect(await aspectOf('导游倒是很负责', '很负责')).toBe('导游');
    expect(await aspectOf('附楼的标准间还是很干净的', '很干净')).toBe('标准间');
    expect(await aspectOf('酒店外观是不错', '不错')).toBe('外观');
  });
});

describe('a person’s character', () => {
  it('puts 人 in the verdict and the person in the target (快递员人挺好)', async () => {
    const ts = await tags('快递员人挺好，还帮我搬上楼');
    expect(ts.some((t) => t.aspect === '快递员' && t.opinion === '人挺好' && t.polarity === 'positive'), show(ts)).toBe(true);
    const bad = await tags('那个客服人很差');
    expect(bad.some((t) => t.aspect === '客服' && t.opinion === '人很差'), show(bad)).toBe(true);
  });
});

describe('a process opening its clause', () => {
  it('is the target of the verdict after it (处理挺满意, 这次补发很痛快, 开关坏了)', async () => {
    expect(await aspectOf('处理挺满意', '挺满意')).toBe('处理');
    expect(await aspectOf('这次补发很痛快', '很痛快')).toBe('补发');
    expect(await aspectOf('床头开关坏了', '坏了')).toBe('床头开关');
    // a verb after a person is what they do, not the target
    expect(await aspectOf('师傅处理得挺及时', '挺及时')).not.toBe('处理');
  });

  it('after a demonstrative too, and 还 meaning "fairly" adds nothing (这个处理还算爽快, 退钱倒是挺爽快的)', async () => {
    expect(await aspectOf('这个处理还算爽快。', '还算爽快')).toBe('处理');
    expect(await aspectOf('行，退钱倒是挺爽快的', '挺爽快')).toBe('退钱');
    expect(await aspectOf('你们转接太慢了', '太慢')).toBe('转接');
    // an event the verdict is added to still is none (小区停电也不提前通知)
    expect(await aspectOf('这次处理也不提前通知', '不提前通知')).not.toBe('处理');
  });
});

describe('words jieba mistags as nouns', () => {
  it('leaves prepositions and verbs out of the target (连转人工, 问地勤, 师傅上门)', async () => {
    expect(await aspectOf('连转人工都转不了', '都转不了')).toBe('转人工');
    expect(await aspectOf('问地勤一问三不知', '一问三不知')).toBe('地勤');
    expect(await aspectOf('不过师傅上门之后挺靠谱的', '挺靠谱')).toBe('师傅');
    // a service done at the door is still one
    expect(await aspectOf('上门取件很准时', '很准时')).toBe('上门取件');
  });
});

describe('online and offline channels', () => {
  it('keeps 线上 with the service it qualifies (dev gold: 线上理赔|比想象中方便好多)', async () => {
    expect(await aspectOf('第一次用线上理赔，拍照上传就行，比想象中方便好多！', '比想象中方便好多')).toBe('线上理赔');
  });
});
