import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadLexicon, readTsv } from '../../src/nlp/lexicon.js';
import { loadTaxonomy, tagLabel } from '../../src/nlp/taxonomy.js';
import { normalizeText } from '../../src/nlp/normalize.js';
import { CATEGORY_IDS } from '../../src/nlp/types.js';

const DIR = resolve(import.meta.dirname, '../../lexicons');

describe('lexicons', () => {
  it('is versioned', () => {
    expect(readFileSync(join(DIR, 'VERSION'), 'utf8').trim()).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
    expect(loadLexicon(DIR).version).toBe(readFileSync(join(DIR, 'VERSION'), 'utf8').trim());
  });

  it('every TSV parses and every entry carries a source', () => {
    const tsvs = readdirSync(DIR).filter((f) => f.endsWith('.tsv'));
    expect(tsvs.length).toBeGreaterThanOrEqual(7);
    for (const f of tsvs) {
      const rows = readTsv(join(DIR, f), []);
      expect(rows.length, f).toBeGreaterThan(0);
      for (const r of rows) expect(r.source, `${f}: ${JSON.stringify(r)}`).toMatch(/^(own|hownet-ref|ntusd-ref|tsinghua-ref|[a-z-]+-ref)$/);
      const words = rows.map((r) => r.word ?? r.pattern);
      expect(new Set(words).size, `${f} has duplicates`).toBe(words.length);
    }
  });

  it('sentiment strengths are within [-2, 2] and user dict entries are jieba-safe', () => {
    for (const r of readTsv(join(DIR, 'sentiment.tsv'), ['word', 'score'])) {
      expect(Math.abs(Number(r.score))).toBeLessThanOrEqual(2);
      expect(Number(r.score)).not.toBe(0);
    }
    for (const r of readTsv(join(DIR, 'user-dict.tsv'), ['word', 'freq', 'tag'])) {
      expect(r.word).not.toMatch(/\s/);
      expect(Number.isInteger(Number(r.freq))).toBe(true);
    }
  });

  it('words are written as normalization leaves them, or the analyzer never sees them (冇得弹 is read as 没得弹)', () => {
    for (const f of ['sentiment.tsv', 'slang.tsv', 'degree.tsv', 'negation.tsv', 'adverbs.tsv', 'user-dict.tsv']) {
      for (const r of readTsv(join(DIR, f), ['word'])) {
        expect(normalizeText(r.word!).text, `${f}: ${r.word}`).toBe(r.word!.toLowerCase());
      }
    }
  });

  it('patterns compile', () => {
    for (const r of readTsv(join(DIR, 'patterns.tsv'), ['pattern', 'score', 'category'])) expect(() => new RegExp(r.pattern!, 'u')).not.toThrow();
  });

  // Patterns run on every clause of untrusted text (up to 20,000 characters). A repeated group that can itself
  // repeat ((?:[0-9]|[0-9]+)+) backtracks exponentially: such a pattern once took 113 s on 30 digits followed by
  // a letter. And an unbounded run of digits that may start anywhere inside a longer run is tried from every
  // position of it, quadratic in its length; anchoring it at the run's start (a lookbehind of its own class)
  // makes every other start fail at once.
  it('patterns cannot backtrack catastrophically on long runs', () => {
    const quantified = /^(?:[+*]|\{\d+,\d*\})/;
    for (const r of readTsv(join(DIR, 'patterns.tsv'), ['pattern', 'score', 'category'])) {
      const src = r.pattern!;
      const open: number[] = [];
      let inClass = false;
      for (let i = 0; i < src.length; i++) {
        const c = src[i]!;
        if (c === '\\') {
          i++;
          continue;
        }
        if (inClass) {
          if (c === ']') inClass = false;
          continue;
        }
        if (c === '[') inClass = true;
        else if (c === '(') open.push(i);
        else if (c === ')') {
          const start = open.pop()!;
          if (!quantified.test(src.slice(i + 1))) continue;
          // the group repeats: nothing inside it may repeat without bound
          const body = src.slice(start + 1, i).replace(/\\./g, '').replace(/\[[^\]]*\]/g, 'C');
          expect(/[+*]|\{\d+,\}/.test(body.replace(/^\?(?:<?[!=]|:|<[a-z]+>)/, '')), `nested repetition in ${src}`).toBe(false);
        }
      }
      for (const m of src.matchAll(/\[([^\]]*(?:0-9|一二)[^\]]*)\]\+/g)) {
        expect(src.slice(0, m.index).endsWith(`(?<![${m[1]}])`), `unanchored number run ${m[0]} in ${src}`).toBe(true);
      }
    }
  });

  it('taxonomy has exactly the 15 category ids with labels, and every group a source', () => {
    const doc = parse(readFileSync(join(DIR, 'taxonomy.yaml'), 'utf8')) as { categories: { id: string; zh: string; en: string; source: string }[]; implicit: { source: string }[] };
    expect(doc.categories.map((c) => c.id).sort()).toEqual([...CATEGORY_IDS].sort());
    for (const c of doc.categories) {
      expect(c.zh).toBeTruthy();
      expect(c.en).toBeTruthy();
      expect(c.source).toBeTruthy();
    }
    for (const r of doc.implicit) expect(r.source).toBeTruthy();
    const t = loadTaxonomy(DIR);
    expect(t.categories).toHaveLength(15);
    expect(t.categories.find((c) => c.id === 'network')).toEqual({ id: 'network', zh: '网络信号', en: 'Network & signal' });
  });

  it('synonyms map to one canonical aspect', () => {
    const lex = loadLexicon(DIR);
    const canon = ['卡顿', '很卡', '系统卡'].map((t) => lex.taxonomy.aspectIndex.get(t)?.canonical);
    expect(new Set(canon).size).toBe(1);
    expect(canon[0]).toBeTruthy();
  });

  it('tagLabel', () => {
    expect(tagLabel('positive', '网络', '顺畅')).toBe('正向评价: 网络顺畅');
    expect(tagLabel('negative', null, '系统卡')).toBe('负向评价: 系统卡');
    expect(tagLabel('neutral', '套餐', '一般')).toBe('中性评价: 套餐一般');
    expect(tagLabel('positive', '网络', '很顺畅')).toBe('正向评价: 网络顺畅');
    expect(tagLabel('positive', '5G网络', '一点也不卡')).toBe('正向评价: 5G网络一点也不卡');
    // stripping 很 would fuse a one-character aspect and opinion into another word (网卡: a network card)
    expect(tagLabel('negative', '网', '很卡')).toBe('负向评价: 网很卡');
    expect(tagLabel('negative', '网络', '很卡')).toBe('负向评价: 网络卡');
    expect(tagLabel('negative', null, '太贵')).toBe('负向评价: 贵');
    expect(tagLabel('positive', null, '好')).toBe('正向评价: 好');
  });
});
