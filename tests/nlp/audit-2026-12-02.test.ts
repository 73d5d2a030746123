import { beforeAll, describe, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Round 8 (lexicons 2026.12.01.33): a customer-service bot is software, and a sales rep's calls are marketing.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised } = opinionExpectations(() => analyzer);

describe('a customer-service bot', () => {
  it('is judged as the app it is, not as the agents', async () => {
    // was: service_attitude (客服) and quality
    await expectCategorised('客服机器人答非所问', '答非所问', 'negative', 'app_experience', '客服机器人');
    await expectCategorised('智能机器人根本听不懂我说什么', '根本听不懂', 'negative', 'app_experience', '智能机器人');
  });

  it('leaves a robot the customer bought alone', async () => {
    await expectCategorised('扫地机器人很好用', '很好用', 'positive', 'quality', '扫地机器人');
  });
});

describe("a sales rep's calls", () => {
  it('counted per day are marketing', async () => {
    // was: no tag (五六个 after 业务员电话), efficiency
    await expectCategorised('保险业务员电话一天打五六个', '一天打五六个', 'negative', 'marketing', '保险业务员电话');
    await expectCategorised('业务员电话太多了', '太多', 'negative', 'marketing', '业务员电话');
  });

  it('leave a courier who had to be called alone', async () => {
    await expectCategorised('快递员电话一天打了三次才打通', '打了三次才打通', 'negative', 'efficiency');
  });
});
