import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { csatOf, npsOf } from '../../src/services/survey-stats-service.js';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

interface Answer { id: string; domain: string; scale: 'nps' | 'csat'; score: number; question: string; text: string; tone: string; themes: string[] }
const ANSWERS: Answer[] = fs
  .readFileSync(path.join(import.meta.dirname, '../fixtures/survey/answers.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Answer);

let rt: TestRuntime;
let ingest: string;
let analyst: string;
useFileRuntime({ ingest: ['ingest'], analyst: ['analyst'] }, (s) => ({ rt, keys: { ingest, analyst } } = s), { env: { RATE_LIMIT_PER_MINUTE: '0' } });

async function ingestAll(key: string, docs: object[]) {
  const res = await rt.http.post('/v1/documents/batch').set(bearer(key)).send({ documents: docs }).expect(207);
  const ids = (res.body.items as { id: string; status: string }[]).map((i) => {
    expect(i.status).toBe('accepted');
    return i.id;
  });
  const deadline = Date.now() + 90_000;
  while ((await rt.services.store.documents.countWhere({ _id: { $in: ids }, status: 'done' })) < ids.length) {
    if (Date.now() > deadline) throw new Error('survey documents not processed in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  return ids;
}

describe('survey ingestion', () => {
  const base = { kind: 'survey', source: 'nps-survey', question: '【如不满意，请描述下问题】', text: '经常断线，接入客户无通知' };
  let n = 0;
  const send = (over: Record<string, unknown>) =>
    rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: `sv-${++n}`, ...over });

  test.each([
    ['an NPS score of 11', { score: 11, scale: 'nps' }, 'score'],
    ['an NPS score of -1', { score: -1, scale: 'nps' }, 'score'],
    ['a CSAT score of 0', { score: 0, scale: 'csat' }, 'score'],
    ['a CSAT score of 6', { score: 6, scale: 'csat' }, 'score'],
    ['a fractional score', { score: 7.5, scale: 'nps' }, 'score'],
    ['a missing score', { scale: 'nps' }, 'score'],
    ['a missing scale', { score: 5 }, 'scale'],
    ['an unknown scale', { score: 5, scale: 'ces' }, 'scale'],
    ['a score on a social post', { kind: 'social', score: 5, scale: 'nps' }, 'score'],
  ])('rejects %s', async (_name, over, field) => {
    const res = await send(over);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  test('accepts a survey answer and shows its score and question; comments may carry a score', async () => {
    const created = await send({ score: 5, scale: 'nps' }).expect(202);
    const doc = await waitForStatus(rt, created.body.id, analyst);
    expect(doc).toMatchObject({ kind: 'survey', score: 5, scale: 'nps', question: '【如不满意，请描述下问题】' });
    expect(doc.tags.some((t: { category: string; polarity: string }) => t.category === 'network' && t.polarity === 'negative')).toBe(true);
    await send({ kind: 'comment', score: 4, scale: 'csat' }).expect(202);
    await send({ kind: 'comment' }).expect(202);
  });

  test('an answer may be its score alone: done with no tags and no verdict, and counted in NPS', async () => {
    const tenantKey = await createKey(rt, ['ingest', 'analyst', 'labeler'], 'score-only');
    const post = (body: Record<string, unknown>) => rt.http.post('/v1/documents').set(bearer(tenantKey)).send({ kind: 'survey', source: 'nps-survey', scale: 'nps', ...body });
    // the empty comment box, as survey tools export it, and as JSON writes it
    const ids: string[] = [];
    for (const [i, over] of [{}, { text: '' }, { text: null }, { text: ' \u3000\u200b' }].entries()) {
      const res = await post({ externalId: `only-${i}`, score: 0, ...over });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.id);
    }
    for (const id of ids) {
      const doc = await waitForStatus(rt, id, tenantKey);
      expect(doc).toMatchObject({ status: 'done', kind: 'survey', score: 0, scale: 'nps', text: null, tags: [], sentiment: null });
    }
    // the answer with a comment, then the trend counts all five
    const commented = await post({ externalId: 'only-commented', score: 10, text: '客服很耐心，问题当天就解决了' }).expect(202);
    expect((await waitForStatus(rt, commented.body.id, tenantKey)).tags.length).toBeGreaterThan(0);
    const trend = await rt.http.get('/v1/stats/nps').set(bearer(tenantKey)).expect(200);
    expect(trend.body.overall).toMatchObject({ n: 5, promoters: 1, detractors: 4, nps: -60 });
    expect(trend.body.commented).toBe(1);
    const drivers = await rt.http.get('/v1/stats/drivers?minCount=1').set(bearer(tenantKey)).expect(200);
    expect(drivers.body).toMatchObject({ overall: { n: 5 }, commented: 1 });
    // "" and no comment are the same answer when re-sent; a comment added later is another one
    const again = await post({ externalId: 'only-1', score: 0 }).expect(200);
    expect(again.body.id).toBe(ids[1]);
    await post({ externalId: 'only-0', score: 0, text: '网速太慢' }).expect(409);
    // nothing for a labeler to review
    const queue = await rt.http.get('/v1/labeling/queue?limit=100').set(bearer(tenantKey)).expect(200);
    expect(queue.body.items.map((d: { id: string }) => d.id)).toEqual([commented.body.id]);
  });

  test("a customer's journey shows the score each touchpoint carried, a score-only answer too", async () => {
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'journey-scores');
    const ids = await ingestAll(tenantKey, [
      { kind: 'comment', source: 'app', externalId: 'jr-1', customerId: 'c-nps', text: '转账一直失败，客服也联系不上', occurredAt: '2026-11-20T10:00:00+08:00' },
      { kind: 'survey', source: 'nps-survey', externalId: 'jr-2', customerId: 'c-nps', score: 1, scale: 'nps', occurredAt: '2026-11-21T10:00:00+08:00' },
    ]);
    const res = await rt.http.get('/v1/customers/c-nps/journey').set(bearer(tenantKey)).expect(200);
    expect(res.body.touchpoints.map((p: { documentId: string; survey: unknown; tags: number }) => [p.documentId, p.survey, p.tags > 0])).toEqual([
      [ids[0], null, true],
      [ids[1], { score: 1, scale: 'nps' }, false],
    ]);
  });

  test("a score-only answer moves the customer's emotion as its score reads: a detractor's 1 makes one complaint a churn risk", async () => {
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'journey-emotion');
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const complaint = { kind: 'comment', source: 'app', text: '转账一直失败，客服也联系不上' };
    const survey = { kind: 'survey', source: 'nps-survey' };
    await ingestAll(tenantKey, [
      // one complaint, then a detractor's score without a comment
      { ...complaint, externalId: 'em-1', customerId: 'c-detractor', occurredAt: day(3) },
      { ...survey, externalId: 'em-2', customerId: 'c-detractor', score: 1, scale: 'nps', occurredAt: day(2) },
      // the same complaint, then a promoter's 10 and a neutral CSAT 3
      { ...complaint, externalId: 'em-3', customerId: 'c-promoter', occurredAt: day(3) },
      { ...survey, externalId: 'em-4', customerId: 'c-promoter', score: 10, scale: 'nps', occurredAt: day(2) },
      { ...survey, externalId: 'em-5', customerId: 'c-promoter', score: 3, scale: 'csat', occurredAt: day(1) },
      // a comment that says nothing about us still lets its score speak
      { ...survey, externalId: 'em-6', customerId: 'c-blank', score: 2, scale: 'nps', text: '无', occurredAt: day(1) },
    ]);
    const journey = async (id: string) => (await rt.http.get(`/v1/customers/${id}/journey`).set(bearer(tenantKey)).expect(200)).body;
    const decay = 0.5 ** (1 / 3);

    const detractor = await journey('c-detractor');
    const [first, answer] = detractor.touchpoints as { score: number; emotion: number; tags: number }[];
    expect(first!.score).toBeLessThan(-0.5);
    expect(answer!.tags).toBe(0);
    expect(answer!.score).toBe(-1);
    expect(detractor.emotion).toBeCloseTo(-1 + first!.score * decay, 3);
    expect(detractor.churnRisk).toBe(true);

    const promoter = await journey('c-promoter');
    expect(promoter.touchpoints.map((p: { score: number }) => p.score)).toEqual([first!.score, 1, 0]);
    expect(promoter.emotion).toBeCloseTo(0 + decay + first!.score * decay ** 2, 3);
    expect(promoter.churnRisk).toBe(false);

    const blank = await journey('c-blank');
    expect(blank.touchpoints.map((p: { score: number; tags: number }) => [p.tags, p.score])).toEqual([[0, -1]]);

    // the at-risk list reads touchpoints the same way
    const risk = await rt.http.get('/v1/customers/at-risk?limit=10').set(bearer(tenantKey)).expect(200);
    const emotions = Object.fromEntries(risk.body.items.map((r: { customerId: string; emotion: number }) => [r.customerId, r.emotion]));
    expect(emotions['c-detractor']).toBeCloseTo(detractor.emotion, 3);
    expect(emotions['c-blank']).toBe(-1);
    expect(emotions['c-promoter']).toBeUndefined(); // above zero: not listed
    expect(risk.body.items.find((r: { customerId: string }) => r.customerId === 'c-detractor').churnRisk).toBe(true);
  });

  test.each<[string, Record<string, unknown>]>([
    ['a comment', { kind: 'comment', score: 3, scale: 'nps' }],
    ['a social post', { kind: 'social' }],
    ['a survey whose text is not a string', { text: 12, score: 3, scale: 'nps' }],
  ])('still requires text on %s', async (_name, over) => {
    const res = await send({ text: undefined, ...over });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('text');
  });

  test('the same answer again is a duplicate; a changed score is a conflict', async () => {
    const body = { ...base, externalId: 'sv-idem', score: 3, scale: 'nps' };
    const first = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body).expect(202);
    const again = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
    await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...body, score: 4 }).expect(409);
  });
});

describe('NPS over time', () => {
  test('overall and weekly NPS match the arithmetic on the fixture, with intervals around them', async () => {
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'nps-tenant');
    const nps = ANSWERS.filter((a) => a.scale === 'nps');
    expect(ANSWERS.length).toBeGreaterThanOrEqual(200);
    // Spread over four weeks starting on a Monday.
    const start = Date.parse('2026-10-05T09:00:00Z');
    const docs = nps.map((a, i) => ({ kind: 'survey', source: 'nps-survey', externalId: a.id, text: a.text, question: a.question, score: a.score, scale: 'nps', occurredAt: new Date(start + (i % 28) * 86_400_000).toISOString() }));
    await ingestAll(tenantKey, docs);
    const res = await rt.http.get('/v1/stats/nps?interval=week').set(bearer(tenantKey)).expect(200);
    const promoters = nps.filter((a) => a.score >= 9).length;
    const detractors = nps.filter((a) => a.score <= 6).length;
    const expected = Math.round(((promoters - detractors) / nps.length) * 1000) / 10;
    expect(res.body.overall).toMatchObject({ n: nps.length, promoters, detractors, nps: expected });
    const [lo, hi] = res.body.overall.ci95;
    expect(lo).toBeLessThan(expected);
    expect(hi).toBeGreaterThan(expected);
    expect(res.body.series).toHaveLength(4);
    expect(res.body.series.map((s: { period: string }) => s.period)).toEqual(['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26']);
    expect(res.body.series.reduce((sum: number, s: { n: number }) => sum + s.n, 0)).toBe(nps.length);
    // Date filters narrow the set.
    const firstWeek = await rt.http.get('/v1/stats/nps?interval=week&to=2026-10-11T23:59:59Z').set(bearer(tenantKey)).expect(200);
    expect(firstWeek.body.series).toHaveLength(1);
  });

  test('npsOf: the textbook cases', () => {
    expect(npsOf([10, 10, 9, 0]).nps).toBe(50);
    expect(npsOf([7, 8]).nps).toBe(0);
    expect(npsOf([]).nps).toBeNull();
  });

  test('npsOf rounds half away from zero: a sample and its mirror image read as opposites', () => {
    // 5 promoters, 6 detractors, 5 passives of 16: (5 - 6) / 16 = -6.25 %
    const sample = [...Array(5).fill(10), ...Array(6).fill(2), ...Array(5).fill(7)];
    const mirror = [...Array(6).fill(10), ...Array(5).fill(2), ...Array(5).fill(7)];
    expect(npsOf(sample).nps).toBe(-6.3);
    expect(npsOf(mirror).nps).toBe(6.3);
    expect(npsOf(sample).ci95).toEqual(npsOf(mirror).ci95!.map((x) => -x).reverse());
    expect(Object.is(npsOf([7, 8]).nps, 0)).toBe(true);
  });

  test('intervals keep their width on small one-sided samples and stay within the scale', () => {
    // Three 10s do not prove that every customer is a promoter: the Wald interval said [100, 100].
    // Adjusted Wald (Rocks 2016): n' = 6, p' = 3.75/6, d' = 0.75/6 → 50 ± 1.96·√((0.75 − 0.25)/6) → [-6.6, 106.6], capped at 100.
    expect(npsOf([10, 10, 10]).ci95).toEqual([-6.6, 100]);
    expect(npsOf([0, 0, 0]).ci95).toEqual([-100, 6.6]);
    expect(npsOf([7, 8]).ci95).toEqual([-48, 48]);
    // On a large sample it agrees with the textbook Wald interval to within half a point.
    const large = [...Array(500).fill(10), ...Array(300).fill(8), ...Array(200).fill(3)];
    const half = 1.96 * Math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 1000) * 100;
    const [lo, hi] = npsOf(large).ci95!;
    expect(Math.abs(lo - (30 - half))).toBeLessThan(0.5);
    expect(Math.abs(hi - (30 + half))).toBeLessThan(0.5);
    // CSAT, Wilson: three 5s → [43.9, 100] (Wald: [100, 100]); three 1s → [0, 56.1].
    expect(csatOf([5, 5, 5]).ci95).toEqual([43.9, 100]);
    expect(csatOf([1, 1, 1]).ci95).toEqual([0, 56.1]);
    for (let n = 1; n <= 12; n++) {
      for (let promoters = 0; promoters <= n; promoters++) {
        for (let detractors = 0; promoters + detractors <= n; detractors++) {
          const scores = [...Array(promoters).fill(10), ...Array(detractors).fill(0), ...Array(n - promoters - detractors).fill(8)];
          const [a, b] = npsOf(scores).ci95!;
          expect(a).toBeGreaterThanOrEqual(-100);
          expect(b).toBeLessThanOrEqual(100);
          expect(b - a).toBeGreaterThan(0);
          if (n >= 2) expect(npsOf(scores).nps!).toBeGreaterThanOrEqual(a);
          if (n >= 2) expect(npsOf(scores).nps!).toBeLessThanOrEqual(b);
        }
        const [c, d] = csatOf([...Array(promoters).fill(5), ...Array(n - promoters).fill(2)]).ci95 as [number, number];
        expect(c).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(100);
        expect(d - c).toBeGreaterThan(0);
      }
    }
  });
});

describe('drivers', () => {
  test('the theme planted in detractors ranks first, with counts and low-sample flags', async () => {
    // By construction: every answer about the network scores 1 (detractors), everything else 9 or 10
    // (promoters). Removing network complaints must raise NPS the most. (Other complaints scored 8 once:
    // passives raise NPS when removed too, so a theme found in enough passive answers (efficiency, once
    // 理赔流程太慢 was filed there) could outrank the planted one; that tests the fixture's sizes, not the ranking.)
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'drivers-tenant');
    const picked = ANSWERS.filter((a) => a.tone === 'pos' || a.themes.length > 0);
    const scoreFor = (a: Answer) => (a.themes.includes('network') ? 1 : a.tone === 'pos' ? 10 : 9);
    const docs = picked.map((a) => ({ kind: 'survey', source: 'nps-survey', externalId: a.id, text: a.text, score: scoreFor(a), scale: 'nps' }));
    await ingestAll(tenantKey, docs);
    const res = await rt.http.get('/v1/stats/drivers?minCount=5').set(bearer(tenantKey)).expect(200);
    const top = res.body.categories[0];
    expect(top.category).toBe('network');
    expect(top.npsImpact).toBeGreaterThan(0);
    expect(top.meanScoreWith).toBeLessThan(top.meanScoreWithout);
    expect(top.detractorShare).toBeGreaterThan(0.8);
    expect(top.promoterShare).toBe(0);
    const networkAnswers = picked.filter((a) => a.themes.includes('network')).length;
    expect(top.n).toBeLessThanOrEqual(networkAnswers);
    expect(top.n).toBeGreaterThanOrEqual(Math.floor(networkAnswers * 0.8));
    for (const row of [...res.body.categories, ...res.body.aspects]) expect(row.lowSample).toBe(row.n < 5);
    expect(res.body.aspects.length).toBeGreaterThan(0);
  });

  test('aspects group by their canonical aspect, as the dashboard groups them', async () => {
    // 网速, 网络, 宽带 and 網絡 are one theme on the dashboard (网络); drivers must not split it four ways.
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'drivers-canonical');
    const complaints = ['网速太慢了', '网络太差了', '宽带经常掉线', '網絡很差'];
    const docs = [
      ...complaints.map((text, i) => ({ kind: 'survey', source: 'nps-survey', externalId: `canon-neg-${i}`, text, score: 2, scale: 'nps' })),
      ...[0, 1, 2].map((i) => ({ kind: 'survey', source: 'nps-survey', externalId: `canon-pos-${i}`, text: '服务很好，很满意', score: 10, scale: 'nps' })),
    ];
    const ids = await ingestAll(tenantKey, docs);
    const raw = new Set((await rt.services.store.tags.list({ documentId: { $in: ids.slice(0, 4) }, polarity: 'negative' }, 100)).map((t) => t.aspect));
    expect(raw.size, `the analyzer's own aspect texts: ${[...raw].join(', ')}`).toBeGreaterThan(1);
    const res = await rt.http.get('/v1/stats/drivers?minCount=1').set(bearer(tenantKey)).expect(200);
    const network = res.body.aspects.filter((r: { aspect: string }) => r.aspect === '网络');
    expect(network).toHaveLength(1);
    expect(network[0]).toMatchObject({ n: 4, detractorShare: 1, promoterShare: 0, npsImpact: 114.3 });
    const summary = await rt.http.get('/v1/stats/summary').set(bearer(tenantKey)).expect(200);
    const dashboard = new Set(summary.body.topNegativeAspects.map((a: { aspect: string }) => a.aspect));
    for (const row of res.body.aspects) expect(dashboard, row.aspect).toContain(row.aspect);
  });

  test('aspects tied at the ten-aspect cut are kept by name, not by which answer came last', async () => {
    const candidates = ['价格太贵了', '网速太慢了', '客服态度很差', '物流太慢了', '包装破损了', '屏幕太暗了', '电池不耐用', '房间太小了', '早餐太难吃', 'App老是闪退', '排队太久了', '空调坏了', '发票一直没开', '噪音太大了'];
    // what aspect each complaint is filed under, learned from the analyzer in a tenant of its own
    const probeKey = await createKey(rt, ['ingest', 'analyst'], 'drivers-ties-probe');
    const probeIds = await ingestAll(probeKey, candidates.map((text, i) => ({ kind: 'survey', source: 'nps-survey', externalId: `tie-probe-${i}`, text, score: 2, scale: 'nps' })));
    const aspectOf = new Map<string, string>();
    for (const [i, id] of probeIds.entries()) {
      const tags = (await rt.services.store.tags.byDocument(id)).filter((t) => t.polarity === 'negative');
      const aspect = tags.length === 1 ? (tags[0]!.canonicalAspect ?? tags[0]!.aspect) : null;
      if (aspect && ![...aspectOf.values()].includes(aspect)) aspectOf.set(candidates[i]!, aspect);
    }
    expect(aspectOf.size, `one aspect each: ${[...aspectOf.values()].join(', ')}`).toBeGreaterThanOrEqual(11);
    const names = [...aspectOf.values()].sort();
    // the answers arrive in name order, so the newest carry the last names
    const texts = [...aspectOf.keys()].sort((a, b) => (aspectOf.get(a)! < aspectOf.get(b)! ? -1 : 1));
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'drivers-ties');
    await ingestAll(tenantKey, [
      ...texts.map((text, i) => ({ kind: 'survey', source: 'nps-survey', externalId: `tie-${i}`, text, score: 2, scale: 'nps', occurredAt: new Date(Date.UTC(2026, 10, 1 + i, 2)).toISOString() })),
      ...[0, 1].map((i) => ({ kind: 'survey', source: 'nps-survey', externalId: `tie-pos-${i}`, text: '很满意', score: 10, scale: 'nps', occurredAt: '2026-11-20T10:00:00+08:00' })),
    ]);
    const res = await rt.http.get('/v1/stats/drivers?minCount=1').set(bearer(tenantKey)).expect(200);
    expect(res.body.aspects.map((r: { aspect: string }) => r.aspect)).toEqual(names.slice(0, 10));
  });

  test('CSAT answers have drivers too: detractors are the answers CSAT counts as not satisfied (1-3)', async () => {
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'drivers-csat');
    const answer = (i: number, text: string, score: number) => ({ kind: 'survey', source: 'csat-survey', externalId: `csat-${i}`, text, score, scale: 'csat' });
    const docs = [
      answer(1, '网络信号太差', 1),
      answer(2, '网络信号太差', 2),
      answer(3, '网络信号太差', 3),
      answer(4, '网络信号太差', 4),
      answer(5, '客服态度很差', 3),
      ...[6, 7, 8, 9, 10].map((i) => answer(i, '服务很好，很满意', 5)),
      // An NPS answer in the same tenant is not a CSAT answer.
      { kind: 'survey', source: 'nps-survey', externalId: 'csat-nps', text: '网络信号太差', score: 0, scale: 'nps' },
    ];
    await ingestAll(tenantKey, docs);
    const res = await rt.http.get('/v1/stats/drivers?scale=csat&minCount=1').set(bearer(tenantKey)).expect(200);
    expect(res.body.scale).toBe('csat');
    expect(res.body.overall).toMatchObject({ n: 10, satisfied: 6, neutral: 2, dissatisfied: 2, csat: 60 });
    const network = res.body.categories.find((r: { category: string }) => r.category === 'network');
    // Without the four network answers CSAT would be 5 of 6 (83.3) instead of 60.
    expect(network).toMatchObject({ n: 4, detractorShare: 0.75, promoterShare: 0.167, meanScoreWith: 2.5, csatImpact: 23.3, npsImpact: null });
    expect(res.body.categories[0].category).toBe('network');
    const nps = await rt.http.get('/v1/stats/drivers?minCount=1').set(bearer(tenantKey)).expect(200);
    expect(nps.body).toMatchObject({ scale: 'nps', overall: { n: 1 } });
    expect(nps.body.categories[0]).toMatchObject({ category: 'network', csatImpact: null });
  });

  test('a driver bar and its drill-down count the same documents: every answer scored on the scale, a scored comment too', async () => {
    const tenantKey = await createKey(rt, ['ingest', 'analyst'], 'drivers-drill');
    const docs = [
      { kind: 'survey', source: 'nps-q4', externalId: 'dd-1', text: '网速太慢了', score: 2, scale: 'nps' },
      { kind: 'survey', source: 'nps-q4', externalId: 'dd-2', text: '宽带经常掉线，客服态度差', score: 5, scale: 'nps' },
      { kind: 'comment', source: 'app', externalId: 'dd-3', text: '网络很差', score: 3, scale: 'nps' },
      { kind: 'survey', source: 'nps-q4', externalId: 'dd-4', text: '服务很好，很满意', score: 10, scale: 'nps' },
      { kind: 'survey', source: 'nps-q4', externalId: 'dd-5', text: '还可以', score: 8, scale: 'nps' },
      { kind: 'survey', source: 'nps-q4', externalId: 'dd-6', text: '挺好的', score: 9, scale: 'nps' },
      // a CSAT answer in the same tenant belongs to the CSAT drivers, not these
      { kind: 'survey', source: 'csat-q4', externalId: 'dd-7', text: '网络信号太差', score: 1, scale: 'csat' },
    ];
    await ingestAll(tenantKey, docs);
    const res = await rt.http.get('/v1/stats/drivers?minCount=1').set(bearer(tenantKey)).expect(200);
    const network = res.body.categories.find((r: { category: string }) => r.category === 'network');
    expect(network.n).toBe(3);
    // overall NPS (2 promoters, 3 detractors of 6) is -16.67; without the three network answers 66.67: 83.33,
    // not 83.4 from subtracting the rounded scores
    expect(network.npsImpact).toBe(83.3);
    const drill = await rt.http.get('/v1/tags').query({ category: 'network', polarity: 'negative', scale: 'nps', limit: 200 }).set(bearer(tenantKey)).expect(200);
    expect(new Set(drill.body.items.map((t: { documentId: string }) => t.documentId)).size).toBe(network.n);
    await rt.http.get('/v1/tags').query({ scale: 'likert' }).set(bearer(tenantKey)).expect(400);
  });

  test('roles and validation', async () => {
    await rt.http.get('/v1/stats/drivers').set(bearer(ingest)).expect(403);
    await rt.http.get('/v1/stats/nps?scale=ces').set(bearer(ADMIN_KEY)).expect(400);
    await rt.http.get('/v1/stats/drivers?minCount=0').set(bearer(ADMIN_KEY)).expect(400);
    await rt.http.get('/v1/stats/drivers?scale=ces').set(bearer(ADMIN_KEY)).expect(400);
    // A reversed range is refused as the feed and dashboard refuse it, not answered with "no answers".
    for (const route of ['/v1/stats/nps', '/v1/stats/drivers']) {
      const res = await rt.http.get(`${route}?from=2026-10-12&to=2026-10-05`).set(bearer(analyst)).expect(400);
      expect(res.body.error.details[0].field).toBe('from');
    }
  });
});
