import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestAndWait } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime();
});
afterAll(async () => rt.close());

type Tag = { aspect: string | null; opinion: string; polarity: string; category: string };
let n = 0;
async function tagsOf(key: string, text: string): Promise<Tag[]> {
  return (await ingestAndWait(rt, key, { kind: 'comment', source: 'app', externalId: `tx-${++n}`, text }, key)).tags;
}

describe('per-tenant taxonomy and lexicon overrides', () => {
  test('GET lists the 15 categories with labels', async () => {
    const res = await rt.http.get('/v1/taxonomy').set(bearer(ADMIN_KEY)).expect(200);
    expect(res.body.categories).toHaveLength(15);
    expect(res.body.categories.find((c: { id: string }) => c.id === 'network')).toMatchObject({ zh: expect.any(String), en: expect.any(String) });
    expect(res.body.overrides).toEqual({ aspects: {}, sentiment: {} });
  });

  test('a tenant adds an aspect term and a slang word; new documents use them at once, other tenants do not', async () => {
    const admin = await createKey(rt, ['admin'], 'telco-x');
    const other = await createKey(rt, ['admin'], 'telco-y');
    expect((await tagsOf(admin, '客服的回复很佛系')).length).toBe(0);
    // an unknown product name may be found as a target (jieba makes the word up), but it has no category of its own
    expect((await tagsOf(admin, '这次的小橙卡很不错'))[0]?.category).not.toBe('price');

    const put = await rt.http.put('/v1/taxonomy').set(bearer(admin)).send({ aspects: { 小橙卡: 'price' }, sentiment: { 佛系: -2 } }).expect(200);
    expect(put.body.overrides).toEqual({ aspects: { 小橙卡: 'price' }, sentiment: { 佛系: -2 } });

    expect(await tagsOf(admin, '客服的回复很佛系')).toEqual([expect.objectContaining({ opinion: '很佛系', polarity: 'negative' })]);
    expect((await tagsOf(admin, '这次的小橙卡很不错'))[0]).toMatchObject({ aspect: '小橙卡', category: 'price', polarity: 'positive' });
    expect((await tagsOf(other, '客服的回复很佛系')).length).toBe(0);
  });

  test('overrides are validated and admin-only', async () => {
    const labeler = await createKey(rt, ['labeler']);
    await rt.http.put('/v1/taxonomy').set(bearer(labeler)).send({ aspects: {} }).expect(403);
    for (const [body, field] of [
      [{ aspects: { 小橙卡: 'weather' } }, 'aspects'],
      [{ sentiment: { 佛系: 5 } }, 'sentiment'],
      [{ sentiment: { '<script>': -1 } }, 'sentiment'],
      [{ aspects: ['小橙卡'] }, 'aspects'],
    ] as const) {
      const res = await rt.http.put('/v1/taxonomy').set(bearer(ADMIN_KEY)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe(field);
    }
    // named like a built-in property: the conversion dropped it and the save answered 200 without it
    // (security review 2026-11-29, F8); now a 400 naming the term, and nothing is saved
    const before = (await rt.http.get('/v1/taxonomy').set(bearer(ADMIN_KEY)).expect(200)).body.overrides;
    for (const [body, field] of [
      [{ sentiment: { toString: -2, 绝了: -2 } }, 'sentiment[toString]'],
      [{ aspects: { valueOf: 'price', 小破站: 'app_experience' } }, 'aspects[valueOf]'],
    ] as const) {
      const res = await rt.http.put('/v1/taxonomy').set(bearer(ADMIN_KEY)).send(body).expect(400);
      expect(res.body.error.details[0]).toMatchObject({ field, message: expect.stringContaining('built-in property') });
    }
    expect((await rt.http.get('/v1/taxonomy').set(bearer(ADMIN_KEY)).expect(200)).body.overrides).toEqual(before);
  });
});
