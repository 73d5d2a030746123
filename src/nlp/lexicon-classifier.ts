import type { CategoryId, ClauseClassification, ClauseClassifier } from './types.js';
import { loadLexicon, type Lexicon } from './lexicon.js';
import { normalizeText } from './normalize.js';
import { splitClauses } from './clauses.js';
import { buildExtractLexicon, extractClause } from './extract.js';
import { loadJieba, tokenize } from './segment.js';
import type { Jieba } from '@node-rs/jieba';

/**
 * The fallback ClauseClassifier: sums signed lexicon strengths of the opinions found in a clause and
 * squashes the total into [negative, neutral, positive]; categories come from aspect/implicit hits.
 */
export function createLexiconClassifierFrom(lex: Lexicon, jieba: Jieba): ClauseClassifier {
  const x = buildExtractLexicon(lex);
  return {
    version: `lexicon-${lex.version}`,
    kind: 'lexicon',
    async classify(clauses: string[]): Promise<ClauseClassification[]> {
      return clauses.map((text) => {
        const n = normalizeText(text);
        const lc = n.text.replace(/[A-Z]/g, (c) => c.toLowerCase());
        let total = 0;
        const votes = new Map<CategoryId, number>();
        for (const c of splitClauses(n, lex)) {
          const ts = c.meta ? [] : tokenize(jieba, lc, c.start, c.end, lex.taxonomy.aspectIndex, x.sentiment);
          for (const op of extractClause(lc, c, ts, x)) {
            total += op.score * op.degree;
            const cat = op.patternCategory ?? lex.taxonomy.implicitIndex.get(op.core)?.category;
            const aspectCat = op.aspect ? lex.taxonomy.aspectIndex.get(op.aspect.text)?.category : undefined;
            const chosen = aspectCat ?? cat;
            if (chosen) votes.set(chosen, (votes.get(chosen) ?? 0) + 1);
          }
          for (const t of ts) {
            const hit = lex.taxonomy.aspectIndex.get(t.word);
            if (hit) votes.set(hit.category, (votes.get(hit.category) ?? 0) + 0.5);
          }
        }
        // a logistic squash keeps one strong word (~2) at ~0.8 and leaves no-opinion clauses neutral
        const pos = 1 / (1 + Math.exp(-1.5 * total));
        const certainty = Math.min(1, Math.abs(total) / 2);
        const neutral = 1 - certainty;
        const sentiment = { negative: (1 - pos) * certainty, neutral, positive: pos * certainty };
        const sum = [...votes.values()].reduce((a, b) => a + b, 0);
        const category: Partial<Record<CategoryId, number>> = {};
        for (const [k, v] of votes) category[k] = v / sum;
        return { sentiment, category };
      });
    },
  };
}

export function createLexiconClassifier(lexiconDir: string): ClauseClassifier {
  const lex = loadLexicon(lexiconDir);
  return createLexiconClassifierFrom(lex, loadJieba(lex));
}
