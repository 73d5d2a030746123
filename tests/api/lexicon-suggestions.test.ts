import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { LEXICON_DIR } from '../helpers/analyzer.js';
import { buildExtractLexicon } from '../../src/nlp/extract.js';
import { loadLexicon } from '../../src/nlp/lexicon.js';
import { loadJieba } from '../../src/nlp/segment.js';
import { splitAdded } from '../../src/services/lexicon-suggestions.js';

// Opinions the rules missed reach the rules only through the tenant lexicon: GET /v1/taxonomy/suggestions
// turns the tags labelers added into candidate entries, and once an admin adds one (PUT /v1/taxonomy) the
// pipeline finds such opinions by itself. Real HTTP, store, queue and analyzer threads.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime();
}, 60_000);
afterAll(async () => rt?.close());

type Tag = { id: string; aspect: string | null; opinion: string; polarity: string; category: string; source: string };

async function ingest(key: string, externalId: string, text: string): Promise<{ id: string; tags: Tag[] }> {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, key);
  expect(doc.status).toBe('done');
  return { id: res.body.id, tags: doc.tags };
}

const correct = (key: string, id: string, actions: Record<string, unknown>[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send({ actions }).expect(200);

/** Adds the phrase as a tag and returns the tag the document now has on it. */
async function add(key: string, id: string, text: string, phrase: string, polarity: string, category: string): Promise<Tag> {
  const start = text.indexOf(phrase);
  await correct(key, id, [{ op: 'add', span: { start, end: start + phrase.length }, polarity, category }]);
  const doc = (await rt.http.get(`/v1/documents/${id}`).set(bearer(key)).expect(200)).body;
  return doc.tags.find((t: Tag) => t.source === 'human');
}

describe('GET /v1/taxonomy/suggestions', () => {
  test('suggests the evaluative words and unknown targets of added tags still in effect, and the lexicon then finds them', async () => {
    const admin = await createKey(rt, ['admin'], 'moved-hotel');
    const labeler = await createKey(rt, ['labeler'], 'moved-hotel');
    // Sarcastic 感人 ("touching", meaning awful), which the shipped lexicon does not know (beyond a word of pace or
    // quality before it: 网速感人), in four spans a labeler might select: with the target, degree words, a copula and a
    // particle around it.
    const sarcastic: [string, string, string][] = [
      ['房间隔音感人', '隔音感人', 'environment'],
      ['这个WiFi也是感人', 'WiFi也是感人', 'network'],
      ['客服回复速度真的太感人了', '回复速度真的太感人了', 'efficiency'],
      ['理财收益感人啊', '收益感人', 'environment'],
    ];
    for (const [i, [text, phrase, category]] of sarcastic.entries()) {
      const d = await ingest(admin, `s-${i}`, text);
      expect(d.tags).toEqual([]);
      await add(labeler, d.id, text, phrase, 'negative', category);
    }
    // one labeler read it literally: the suggestion says labelers disagree
    const literal = await ingest(admin, 'literal', '师傅冒雨送上门，感人');
    await add(labeler, literal.id, '师傅冒雨送上门，感人', '感人', 'positive', 'service_attitude');
    // an unknown target (ETC) with a word the lexicon holds (莫名其妙): only the target is suggested
    const etc = await ingest(admin, 'etc', 'ETC扣费莫名其妙');
    await add(labeler, etc.id, 'ETC扣费莫名其妙', 'ETC扣费莫名其妙', 'negative', 'price');
    // an add that was reverted and one whose tag was deleted afterwards are no longer in effect
    const reverted = await ingest(admin, 'reverted', '积分商城的界面丑到爆');
    const r = await add(labeler, reverted.id, '积分商城的界面丑到爆', '界面丑到爆', 'negative', 'app_experience');
    await rt.http.post(`/v1/documents/${reverted.id}/corrections/revert`).set(bearer(labeler)).send({ tagId: r.id }).expect(200);
    const deleted = await ingest(admin, 'deleted', '云闪付绑卡流程绕晕了');
    const d = await add(labeler, deleted.id, '云闪付绑卡流程绕晕了', '流程绕晕了', 'negative', 'app_experience');
    await correct(labeler, deleted.id, [{ op: 'delete', tagId: d.id }]);

    const res = (await rt.http.get('/v1/taxonomy/suggestions').set(bearer(admin)).expect(200)).body;
    expect(res.addedTags).toBe(6);
    expect(res.sentiment.map((x: { word: string }) => x.word)).toEqual(['感人']);
    expect(res.sentiment[0]).toMatchObject({ word: '感人', score: -1, count: 5, conflicting: true });
    // the category labelers gave most often (2 of 5)
    expect(res.sentiment[0].category).toBe('environment');
    expect(res.sentiment[0].examples).toHaveLength(3);
    for (const e of res.sentiment[0].examples) expect(e.sentence).toContain(e.opinion);
    expect(res.aspects).toEqual([expect.objectContaining({ term: 'ETC', category: 'price', count: 1, conflicting: false })]);

    // admins only, and only the tenant's own
    await rt.http.get('/v1/taxonomy/suggestions').set(bearer(labeler)).expect(403);
    const other = await createKey(rt, ['admin'], 'someone-else');
    expect((await rt.http.get('/v1/taxonomy/suggestions').set(bearer(other)).expect(200)).body).toEqual({ sentiment: [], aspects: [], addedTags: 0 });

    // The admin takes both; the lexicon now finds such opinions by itself, and they are no longer suggested.
    await rt.http.put('/v1/taxonomy').set(bearer(admin)).send({ sentiment: { [res.sentiment[0].word]: res.sentiment[0].score }, aspects: { ETC: 'price' } }).expect(200);
    const after = (await rt.http.get('/v1/taxonomy/suggestions').set(bearer(admin)).expect(200)).body;
    expect(after).toMatchObject({ sentiment: [], aspects: [], addedTags: 6 });
    const fresh = await ingest(admin, 'fresh', '外卖包装感人');
    expect(fresh.tags.map((t) => [t.polarity, t.source])).toEqual([['negative', 'rule']]);
    expect(fresh.tags[0]!.opinion).toContain('感人');
  }, 120_000);
});

test('examples are the opinion in a window of its clause, not the whole clause', async () => {
  // security review 2026-11-29 (finding 4): whole clauses as examples made an answer of 11.8 MB
  const admin = await createKey(rt, ['admin'], 'long-clause');
  const text = '我想说一下这家店的情况'.repeat(20) + '包装感人' + '然后我就没有再买过了真的'.repeat(20);
  const d = await ingest(admin, 'long', text);
  await add(admin, d.id, text, '包装感人', 'negative', 'logistics');
  const res = (await rt.http.get('/v1/taxonomy/suggestions').set(bearer(admin)).expect(200)).body;
  const example = res.sentiment.find((x: { word: string }) => x.word === '感人').examples[0];
  expect(example.sentence.length).toBeLessThanOrEqual(40 + '包装感人'.length + 40 + 2);
  expect(example.sentence).toMatch(/^….{40}包装感人.{40}…$/u);
  expect(text).toContain(example.sentence.slice(1, -1));
}, 60_000);

describe('splitAdded: the entry and target in a labeler span', () => {
  const lex = loadLexicon(LEXICON_DIR);
  const x = buildExtractLexicon(lex);
  const jieba = loadJieba(lex);
  test.each([
    ['回复速度真的太感人了', '感人', '回复速度'],
    ['网速也是感人', '感人', '网速'],
    ['感人', '感人', null],
    ['小程序卡成狗！', '卡成狗', '小程序'],
    ['ETC扣费真的离谱', '离谱', 'ETC'],
    ['App真的不好用', '不好用', 'App'],
    ['不给力啊', '不给力', null],
    ['感人了～', '感人', null],
  ])('%s → %s / %s', (span, word, target) => {
    expect(splitAdded(span, x, jieba)).toEqual({ word, target });
  });
});
