import { beforeAll, describe, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Third round of opinion rules on 2026-12-01: the misses the second round left (a relative helped, a note or a promise
// ignored across a comma, the wrong dish, a runaround told without 又, a service that cannot be done). Each is read as a
// family: siblings it was not written from, and look-alikes it must leave alone.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised, expectNone } = opinionExpectations(() => analyzer);

describe('something set up or sorted out, told as a fact', () => {
  it('a verb then 好了 (设置好了, 弄好了) is the job done, not a verdict on the thing', async () => {
    // was: 妈设置 | 好了 positive quality; 手机设置 | 好了 positive quality; 网络设置 | 好了 positive network
    await expectNone(['我帮我妈设置好了手机', '我给我爸设置好了手机', '我帮我爸把手机设置好了', '我自己把网络设置好了']);
  });

  it('a relative, friend or colleague who helped is no staff: no praise of the service', async () => {
    // was: 电脑 | 弄好了 positive service_attitude; 宽带 | 弄好了 positive service_attitude
    await expectNone(['同事帮我把电脑弄好了', '老公帮我把宽带弄好了', '儿子帮我把手机银行设置好了']);
  });

  it('staff who helped still are praised, and the patience beside it stays', async () => {
    await expectCategorised('客服帮我设置好了，很耐心', '很耐心', 'positive', 'service_attitude');
    await expectCategorised('店员帮我把手机设置好了', '设置好了', 'positive', 'service_attitude');
    await expectCategorised('帮我老妈设置好了手机', '设置好了', 'positive', 'service_attitude');
    // a thing the taxonomy knows, judged as it is (服务好了很多), is still judged
    await expectCategorised('服务好了很多', '好', 'positive', 'service_attitude', '服务');
  });
});
