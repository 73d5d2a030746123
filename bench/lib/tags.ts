import fs from 'node:fs';
import path from 'node:path';
import { CATEGORY_IDS, type CategoryId, type DocumentKind, type Polarity } from '../../src/nlp/types.js';
import type { TagRecord } from '../../src/store/records.js';

// Realistic spread: a few tenants, 15 categories, real aspect and opinion words, ~90 days of dates.
const ASPECTS: [string, CategoryId][] = [
  ['价格', 'price'], ['手续费', 'price'], ['质量', 'quality'], ['做工', 'quality'], ['客服', 'service_attitude'],
  ['态度', 'service_attitude'], ['速度', 'efficiency'], ['排队', 'efficiency'], ['问题', 'resolution'], ['物流', 'logistics'],
  ['快递', 'logistics'], ['信号', 'network'], ['网络', 'network'], ['app', 'app_experience'], ['界面', 'app_experience'],
  ['账户', 'account_security'], ['短信', 'marketing'], ['退货', 'after_sales'], ['味道', 'taste'], ['房间', 'environment'],
  ['规定', 'policy'],
];
const OPINIONS: [string, Polarity][] = [
  ['很好', 'positive'], ['不错', 'positive'], ['满意', 'positive'], ['太慢了', 'negative'], ['很差', 'negative'],
  ['不行', 'negative'], ['一般', 'neutral'], ['还行', 'neutral'], ['太贵了', 'negative'], ['挺快的', 'positive'],
];
const KINDS: DocumentKind[] = ['comment', 'comment', 'social', 'transcript'];
const CHANNELS = ['app-review', 'weibo', 'call-center', 'email', 'store'];
const TENANTS = ['default', 'default', 'default', 'default', 'acme', 'globex'];
const DAY = 86_400_000;
const BASE = Date.parse('2026-09-01T00:00:00Z');

export function benchTag(i: number): TagRecord {
  // a cheap deterministic mix; Math.random would make sizes incomparable between runs
  const h = (i * 2654435761) >>> 0;
  const [aspect, aspectCategory] = ASPECTS[h % ASPECTS.length]!;
  const [opinion, polarity] = OPINIONS[(h >>> 8) % OPINIONS.length]!;
  const implicit = (h >>> 16) % 5 === 0;
  const category = implicit ? CATEGORY_IDS[(h >>> 4) % CATEGORY_IDS.length]! : aspectCategory;
  // day and time of day from separate bits: 90 days of milliseconds would not fit in 32 bits
  const at = new Date(BASE + ((h >>> 5) % 90) * DAY + ((h >>> 2) % DAY));
  const created = new Date(at.getTime() + 60_000 + (i % 1000));
  const sentence = implicit ? opinion : `${aspect}${opinion}`;
  return {
    _id: `bench-${i.toString(36).padStart(8, '0')}`,
    tenant: TENANTS[(h >>> 12) % TENANTS.length]!,
    documentId: `benchdoc-${Math.floor(i / 2)}`,
    aspect: implicit ? null : aspect,
    opinion,
    polarity,
    category,
    span: { start: 0, end: sentence.length },
    aspectSpan: implicit ? null : { start: 0, end: aspect.length },
    opinionSpan: { start: implicit ? 0 : aspect.length, end: sentence.length },
    sentence,
    turnIndex: null,
    confidence: 0.5 + ((h >>> 20) % 450) / 1000,
    source: (h >>> 24) % 10 === 0 ? 'human' : 'rule',
    modelVersion: 'lexicon-bench',
    kind: KINDS[(h >>> 10) % KINDS.length]!,
    channel: CHANNELS[(h >>> 14) % CHANNELS.length]!,
    at,
    day: at.toISOString().slice(0, 10),
    createdAt: created,
    updatedAt: created,
  };
}


/**
 * Writes N tags straight into an embedded store's tags.db, in the format nedb itself appends (one JSON
 * document per line, dates as {"$$date": ms}). The service then loads it at start like any restart.
 * Inserting through TagsRepository costs one file append per tag on nedb (a few hundred tags/s
 * here), which would spend the whole budget on loading 100k tags.
 */
export function writeNedbTags(dataDir: string, count: number): void {
  const fd = fs.openSync(path.join(dataDir, 'tags.db'), 'w');
  try {
    const date = (d: Date) => ({ $$date: d.getTime() });
    let buf: string[] = [];
    for (let i = 0; i < count; i++) {
      const t = benchTag(i);
      buf.push(JSON.stringify({ ...t, at: date(t.at), createdAt: date(t.createdAt), updatedAt: date(t.updatedAt) }));
      if (buf.length === 10_000) {
        fs.writeSync(fd, buf.join('\n') + '\n');
        buf = [];
      }
    }
    if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
}
