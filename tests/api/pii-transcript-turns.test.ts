import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// Speech recognition cuts a transcript into turns at every pause, and a customer reading out a number
// pauses in it: "一三八 一二三四" and "五六七八" arrive as two turns of one speaker. Masked turn by turn, neither
// piece is a number, and the stored transcript held the whole mobile in two halves.

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s));

let seq = 0;
async function send(key: string, turns: { speaker: string; text: string }[]) {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'transcript', source: 'call-center', externalId: `tt-${++seq}`, turns });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitForStatus(rt, res.body.id as string, key === ingest ? ADMIN_KEY : key);
}

const texts = (doc: Record<string, any>) => (doc.turns as { text: string }[]).map((t) => t.text);

describe('a number split across turns of one speaker', () => {
  test('a mobile read out over two customer turns is masked in both', async () => {
    const doc = await send(ingest, [
      { speaker: 'agent', text: '请问您的联系电话是多少？' },
      { speaker: 'customer', text: '我的手机是一三八 一二三四' },
      { speaker: 'customer', text: '五六七八，白天都能打通' },
      { speaker: 'agent', text: '好的，已经帮您登记了。' },
    ]);
    expect(texts(doc)).toEqual(['请问您的联系电话是多少？', '我的手机是一三八 ****', '五六七八，白天都能打通', '好的，已经帮您登记了。']);
  });

  test('a card typed in groups over three turns is masked where each group went', async () => {
    const doc = await send(ingest, [
      { speaker: 'customer', text: '退款卡号是6222 0212' },
      { speaker: 'customer', text: '3456 7890' },
      { speaker: 'customer', text: '123，一直没到账，太慢了' },
    ]);
    expect(texts(doc)).toEqual(['退款卡号是6222 02**', '**** ***0', '123，一直没到账，太慢了']);
    const stored = JSON.stringify(await rt.services.store.documents.findById(doc.id as string));
    expect(stored).not.toContain('3456');
  });

  test('an ID number split by a pause is masked, its label in the earlier turn', async () => {
    const doc = await send(ingest, [
      { speaker: 'customer', text: '身份证号110101' },
      { speaker: 'customer', text: '199003074514' },
    ]);
    expect(texts(doc)).toEqual(['身份证号110101', '********4514']);
  });

  test('hash: the token stands where the number starts, and the rest of it is gone from the later turn', async () => {
    const admin = await createKey(rt, ['admin', 'ingest', 'analyst'], 'turns-hash');
    await rt.http.put('/v1/tenant/settings').set(bearer(admin)).send({ piiPolicy: 'hash' }).expect(200);
    const doc = await send(admin, [
      { speaker: 'customer', text: '手机号138 1234' },
      { speaker: 'customer', text: '5678，尽快回电' },
    ]);
    const [a, b] = texts(doc);
    expect(a).toMatch(/^手机号\[phone:[0-9a-f]{16}\]$/);
    expect(b).toBe('，尽快回电');
    // the same token as the number typed in one piece
    const whole = await send(admin, [{ speaker: 'customer', text: '手机号13812345678' }]);
    expect(texts(whole)[0]).toBe(a);
  });

  test('turns of different speakers, and numbers already whole in a turn, are read as before', async () => {
    const doc = await send(ingest, [
      { speaker: 'customer', text: '订单号是2024113012' },
      { speaker: 'agent', text: '34567890，这个对吗？' },
      { speaker: 'customer', text: '对，我手机13812345678' },
      { speaker: 'customer', text: '2号楼，快递放门口就行' },
      { speaker: 'customer', text: '我买的是iPhone 15' },
      { speaker: 'customer', text: '256G，花了5999元' },
    ]);
    expect(texts(doc)).toEqual([
      '订单号是2024113012',
      '34567890，这个对吗？',
      '对，我手机138****5678',
      '2号楼，快递放门口就行',
      '我买的是iPhone 15',
      '256G，花了5999元',
    ]);
  });

  test("a number read out around the agent's 嗯 and 好的 is masked: a backchannel does not end the customer's text", async () => {
    const doc = await send(ingest, [
      { speaker: 'agent', text: '麻烦报一下您的手机号码。' },
      { speaker: 'customer', text: '一三八' },
      { speaker: 'agent', text: '嗯' },
      { speaker: 'customer', text: '一二三四' },
      { speaker: 'agent', text: '好的，' },
      { speaker: 'customer', text: '五六七八' },
      { speaker: 'agent', text: '好的，我这边帮您查一下这个号码的套餐。' },
      { speaker: 'customer', text: '13987' },
    ]);
    expect(texts(doc)).toEqual(['麻烦报一下您的手机号码。', '一三八', '嗯', '****', '好的，', '五六七八', '好的，我这边帮您查一下这个号码的套餐。', '13987']);
  });

  test('a re-send of the transcript is a duplicate', async () => {
    const turns = [
      { speaker: 'customer', text: '电话一三八 一二三四' },
      { speaker: 'customer', text: '五六七八' },
    ];
    const body = { kind: 'transcript', source: 'call-center', externalId: 'tt-resend', turns };
    const first = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body).expect(202);
    const again = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
    const doc = await waitForStatus(rt, first.body.id as string, ADMIN_KEY);
    expect(texts(doc)).toEqual(['电话一三八 ****', '五六七八']);
  });
});

describe('numbers the 2026-11-30 audit left (Hong Kong, Taiwan, a mobile with an extension)', () => {
  test('a Hong Kong mobile after its phone word in the previous turn, a Taiwan mobile and a mobile with an extension are stored masked', async () => {
    const doc = await send(ingest, [
      { speaker: 'agent', text: '请问回访打哪个号码？' },
      { speaker: 'customer', text: '我人在香港，打我香港手机' },
      { speaker: 'customer', text: '9123 4567，或者我太太台湾的手机0912-345-678' },
      { speaker: 'agent', text: '好的。' },
      { speaker: 'customer', text: '单位电话是13812345678-1234，上班时间打' },
    ]);
    expect(texts(doc)).toEqual([
      '请问回访打哪个号码？',
      '我人在香港，打我香港手机',
      '**** 4567，或者我太太台湾的手机09**-**5-678',
      '好的。',
      '单位电话是138****5678-1234，上班时间打',
    ]);
    const stored = JSON.stringify(await rt.services.store.documents.findById(doc.id as string));
    for (const digits of ['9123', '0912-345', '13812345678']) expect(stored).not.toContain(digits);
  });
});
