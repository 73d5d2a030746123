import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maskPii } from '../../src/nlp/pii.js';
import { answerWithin } from '../helpers/worker-within.js';

// Masking runs on the API thread at ingest, on untrusted fields of up to 20,000 characters, many to a 1 MB
// batch. Detection used to take time quadratic in the length of a run: the e-mail pattern, tried at every
// character, read the rest of a run of digits or letters looking for an "@" (20,000 digits: ~0.5 s), and the
// QQ and WeChat patterns split a long run of separators after their label every possible way (qq and 20,000
// colons: ~0.5 s). Fifty such fields stalled the event loop for ~25 s. What is found is unchanged.

const N = 20_000;
/** A field of N characters: `head`, then `unit` repeated, then `tail`. */
const field = (head: string, unit: string, tail = '') => {
  const body = N - head.length - tail.length;
  return head + unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + tail;
};
const LONG_RUNS = [
  field('', '1'),
  field('卡号', '1'),
  field('手机', '13'),
  field('', '1', '@'),
  field('', '1-'),
  field('', 'a'),
  field('联系邮箱', 'x.'),
  field('qq', ':'),
  field('微信', ' :'),
  // the forms added after the PII audit of 2026-11-29: digit groups with spaces, dots, commas and dashes
  // (every grouped run is read once for an ID or card in another grouping, and a neighbour group is looked
  // for at most 16 characters away), radio digits and punctuation between groups read out, an "@" written
  // otherwise, grouped QQ numbers and landline extensions
  field('', '1 '),
  field('身份证', '12 '),
  field('', '1.'),
  field('', '1,'),
  field('', '0571 '),
  field('', '洞'),
  field('客户：', '幺三八，'),
  field('', '一……'),
  field('', 'a艾特'),
  field('', 'a at '),
  field('邮箱x@', '163。'),
  field('x艾特', 'qq点'),
  field('QQ ', '1234 '),
  field('座机0571-87310264', '-1'),
  // the rules added on 2026-11-30: a giving word before a WeChat label, a search after it, a device serial
  // label, a card secret (pii-wechat-serials.test.ts)
  field('', '加我微信 '),
  field('加我微信 ', 'a'),
  field('微信搜', ' '),
  field('', 'IMEI 358402116293743 '),
  field('卡密', '1 '),
  field('卡密', 'a', '*'),
  // a number at the very start of a long run of digit groups: the run "before" it was read from the whole text
  // (text.slice(0, -1)), ~0.5 s for this field alone
  field('1234567890123456 ', '1 '),
  // the rules added after the 2026-11-30 audit: Hong Kong, Macau and Taiwan numbers (country codes, a phone word
  // before eight digits, Taiwan groupings), a mobile's extension, business keys written without 号
  field('', '+852 '),
  field('电话', '9'),
  field('', '0912-345-'),
  field('手机', '09'),
  field('', '13812345678-'),
  field('', '退款单'),
];

const found = (t: string) => maskPii(t, 'mask').entities.map((e) => `${e.type}:${e.start}-${e.end}`);

describe('long runs in untrusted text', () => {
  it('are no personal number, and what follows them is still found', () => {
    for (const t of LONG_RUNS) expect(found(t), t.slice(0, 8)).toEqual([]);
    expect(found('1'.repeat(N) + ' 13812345678')).toEqual([`phone:${N + 1}-${N + 12}`]);
    expect(found('1'.repeat(19_000) + '，联系邮箱 zhang.san@example.com')).toEqual(['email:19006-19027']);
  });

  it('an e-mail starts where a search from the left would start it', () => {
    // the first letter or digit of the run before the "@", not before the end of the previous address
    expect(found('x'.repeat(5000) + '@example.com')).toEqual(['email:0-5012']);
    expect(found('..__a.b@example.com')).toEqual(['email:4-19']);
    expect(found('a@b.com-x@c.com')).toEqual(['email:0-7', 'email:8-15']);
  });

  it('the forms added after the 2026-11-29 audit are still found after a long run', () => {
    expect(found('1 '.repeat(N / 2) + '，手机135 06420642')).toEqual([`phone:${N + 3}-${N + 15}`]);
    expect(found('洞'.repeat(N) + '，幺三五洞六四二洞六四二')).toEqual([`phone:${N + 1}-${N + 12}`]);
    expect(found('a艾特'.repeat(6000) + ' x1艾特qq.com')).toEqual(['email:18001-18011']);
  });

  it('a QQ or WeChat label still reaches its number across separators and 是', () => {
    expect(found('qq' + '：'.repeat(50) + '12345678')).toEqual(['qq:52-60']);
    expect(found('微信' + ' ：'.repeat(30) + '是 abc_def1')).toEqual(['wechat:64-72']);
  });

  it('thousands of candidates in one field are all resolved', () => {
    expect(found('3号楼2单元501，'.repeat(1000))).toHaveLength(1000);
    expect(found('我叫王小明，'.repeat(2000))).toHaveLength(2000);
    expect(found('[phone:0123456789abcdef] 13812345678 '.repeat(300))).toHaveLength(300);
  });

  // A regex runs synchronously, so a test timer cannot stop it: the batch goes through the built module (dist/,
  // as the service runs it) in a worker thread, terminated if it has not finished in 5 s. Before, the batch
  // took ~25 s; now ~0.4 s.
  it('one 1 MB batch of long runs does not stall the thread', async () => {
    const piiJs = resolve(import.meta.dirname, '../../dist/nlp/pii.js');
    for (const src of ['pii.ts', 'spoken-digits.ts']) {
      const stale = statSync(piiJs).mtimeMs < statSync(resolve(import.meta.dirname, '../../src/nlp', src)).mtimeMs;
      expect(stale, `dist/ is older than src/nlp/${src}: run npx tsc -p tsconfig.build.json`).toBe(false);
    }
    const batch = Array.from({ length: 50 }, (_, i) => LONG_RUNS[i % LONG_RUNS.length]!);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.piiJs).then(({ maskPii }) => {
        let entities = 0;
        for (const text of workerData.batch) entities += maskPii(text, 'mask').entities.length;
        parentPort.postMessage('done, ' + entities + ' found');
      }, (e) => parentPort.postMessage(String(e)));`;
    expect(await answerWithin(code, { piiJs: pathToFileURL(piiJs).href, batch }, 5_000)).toBe('done, 0 found');
  }, 30_000);
});
