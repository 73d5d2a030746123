import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ulid } from '../../src/ids.js';
import { LexiconSuggestionsService } from '../../src/services/lexicon-suggestions.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';
import type { CorrectionRecord, TagRecord } from '../../src/store/records.js';
import { createStore, type Store } from '../../src/store/store.js';
import { LEXICON_DIR } from '../helpers/analyzer.js';

// GET /v1/taxonomy/suggestions reads only the newest 5,000 added tags still in effect (what labelers add
// recently is what the lexicon lacks now, and the answer stays bounded). Checked on a real embedded store
// holding 5,002 added tags, one of them reverted: the oldest word falls out, the reverted one never counts,
// and a word added only in the newest tag is in.

let dir: string;
let engine: NedbEngine;
let store: Store;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-suggest-cap-'));
  engine = await NedbEngine.open(dir);
  store = await createStore(engine);
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function tag(id: string, opinion: string, at: Date): TagRecord {
  return {
    _id: id, tenant: 'cap', documentId: `d-${id}`, aspect: null, opinion, polarity: 'negative', category: 'network',
    span: { start: 0, end: opinion.length }, aspectSpan: null, opinionSpan: { start: 0, end: opinion.length }, sentence: `网速${opinion}`,
    turnIndex: null, confidence: 1, source: 'human', modelVersion: 'human', kind: 'comment', channel: 'app', at, day: '2026-11-29',
    createdAt: at, updatedAt: at,
  };
}

function added(id: string, t: TagRecord, at: number): CorrectionRecord {
  return { _id: ulid(at), tenant: 'cap', documentId: t.documentId, tagId: id, op: 'add', before: null, after: { opinion: t.opinion }, at: new Date(at) } as CorrectionRecord;
}

test('only the newest 5,000 added tags in effect are read', async () => {
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  // oldest: 感人 (unknown to the shipped lexicon); then 5,000 of 捉急 (also unknown); the newest, 龟速, is reverted
  const words = ['感人', ...Array.from({ length: 5000 }, () => '捉急'), '龟速'];
  const corrections: CorrectionRecord[] = [];
  for (const [i, w] of words.entries()) {
    const id = `tag-${String(i).padStart(5, '0')}`;
    const t = tag(id, w, new Date(t0 + i * 1000));
    await store.tags.insert(t);
    corrections.push(added(id, t, t0 + i * 1000));
  }
  for (const c of corrections) await store.corrections.insert(c);
  const last = corrections[corrections.length - 1]!;
  await store.corrections.insert({ _id: ulid(t0 + 10_000_000), tenant: 'cap', documentId: last.documentId, tagId: last.tagId, op: 'revert', before: null, after: null, reverts: last._id, at: new Date(t0 + 10_000_000) } as CorrectionRecord);

  const service = new LexiconSuggestionsService(store, { lexiconDir: LEXICON_DIR, overridesFor: async () => null });
  const out = await service.suggest('cap');
  expect(out.addedTags).toBe(5000);
  const suggested = out.sentiment.map((s) => s.word);
  expect(suggested).toContain('捉急');
  expect(out.sentiment.find((s) => s.word === '捉急')!.count).toBe(5000);
  expect(suggested).not.toContain('感人');
  expect(suggested).not.toContain('龟速');
}, 120_000);
