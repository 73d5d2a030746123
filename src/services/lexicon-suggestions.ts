import type { Jieba } from '@node-rs/jieba';
// what PUT /v1/taxonomy accepts as a term: a suggestion has to be one
import { TERM } from '../api/dto/taxonomy-dto.js';
import { lookupAspect } from '../nlp/aspect-lookup.js';
import { buildExtractLexicon, lengthsAt, type ExtractLexicon } from '../nlp/extract.js';
import { loadLexicon, type Lexicon } from '../nlp/lexicon.js';
import { loadJieba, tokenize } from '../nlp/segment.js';
import type { CategoryId, LexiconOverrides } from '../nlp/types.js';
import type { TagRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/**
 * Lexicon entries suggested by what labelers added (GET /v1/taxonomy/suggestions).
 *
 * An added tag is an opinion the rules missed, and no retrained version can teach the rules to find it:
 * a version only adjusts the tags the rules found (docs/retrain.md). What does teach them is the tenant
 * lexicon (PUT /v1/taxonomy). This turns the added tags still in effect into candidate entries — the
 * opinion's evaluative word with the polarity labelers gave it, and aspect terms the taxonomy does not
 * know — leaving out what the tenant's lexicon already holds, so an admin reviews and adds them instead of
 * typing each one. Nothing is added without that review: a word can mean one thing in one labeler's
 * document and another elsewhere (`conflicting` says when labelers already disagree).
 */

const PAGE = 500;
/** particles and punctuation that end a phrase without changing what it says (太感人了, 坑啊！) */
const TRAILING = /[了啊呀吧呢哦哈的嘛啦咯\s\p{P}\p{S}]+$/u;
const MAX_EXAMPLES = 3;
/**
 * The newest added tags read per request: what labelers add recently is what the lexicon lacks now, and
 * the answer stays bounded in time and size (security review 2026-11-29: 20,000 added tags took 0.9 s on
 * the API thread, and whole clauses as examples made an 11.8 MB answer).
 */
const MAX_ADDED = 5000;
/** characters of an example's clause kept on each side of the opinion */
const EXAMPLE_CONTEXT = 40;
const MAX_ITEMS = 200;

export interface SuggestionExample {
  documentId: string;
  tagId: string;
  opinion: string;
  sentence: string;
}

export interface SentimentSuggestion {
  /** the entry to add: the added opinion without the degree and aspectual words the rules already read */
  word: string;
  /** strength for PUT /v1/taxonomy `sentiment`: +1 or -1 by the labelers' majority (an admin may say ±2) */
  score: 1 | -1;
  /** added tags that carry the word */
  count: number;
  /** labelers gave it both polarities: review before adding */
  conflicting: boolean;
  /** the category labelers gave it most often (the pipeline takes a new word's category from its context) */
  category: CategoryId;
  examples: SuggestionExample[];
}

export interface AspectSuggestion {
  term: string;
  category: CategoryId;
  count: number;
  conflicting: boolean;
  examples: SuggestionExample[];
}

export interface LexiconSuggestions {
  sentiment: SentimentSuggestion[];
  aspects: AspectSuggestion[];
  /** added tags still in effect that the suggestions were drawn from */
  addedTags: number;
}

interface Tally {
  key: string;
  display: string;
  positive: number;
  negative: number;
  categories: Map<CategoryId, number>;
  examples: SuggestionExample[];
  latest: number;
}

function tally(map: Map<string, Tally>, display: string, tag: TagRecord): void {
  const key = display.toLowerCase();
  let t = map.get(key);
  if (!t) map.set(key, (t = { key, display, positive: 0, negative: 0, categories: new Map(), examples: [], latest: 0 }));
  if (tag.polarity === 'positive') t.positive++;
  else if (tag.polarity === 'negative') t.negative++;
  t.categories.set(tag.category, (t.categories.get(tag.category) ?? 0) + 1);
  t.latest = Math.max(t.latest, new Date(tag.updatedAt ?? tag.createdAt).getTime());
  if (t.examples.length < MAX_EXAMPLES) t.examples.push({ documentId: tag.documentId, tagId: tag._id, opinion: tag.opinion, sentence: around(tag.sentence, tag.opinion) });
}

const majorityCategory = (t: Tally): CategoryId => [...t.categories.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
const byCountThenRecent = (a: Tally, b: Tally) => b.positive + b.negative - (a.positive + a.negative) || b.latest - a.latest || (a.key < b.key ? -1 : 1);

export class LexiconSuggestionsService {
  private lexicon: Lexicon | null = null;
  private jieba: Jieba | null = null;

  constructor(
    private readonly store: Store,
    private readonly nlp: { lexiconDir: string; overridesFor: (tenant: string) => Promise<LexiconOverrides | null> },
  ) {}

  // Loaded on first use: processes where no admin asks never hold a copy of the dictionary.
  private lex(): Lexicon {
    return (this.lexicon ??= loadLexicon(this.nlp.lexiconDir));
  }

  private segmenter(): Jieba {
    return (this.jieba ??= loadJieba(this.lex()));
  }

  async suggest(tenant: string): Promise<LexiconSuggestions> {
    const overrides = await this.nlp.overridesFor(tenant);
    const x = buildExtractLexicon(this.lex(), overrides?.sentiment, overrides?.aspects);
    const tags = await this.addedTags(tenant);
    const words = new Map<string, Tally>();
    const aspects = new Map<string, Tally>();
    const unknownAspect = (term: string | null): term is string => term !== null && TERM.test(term) && !lookupAspect(x, term.toLowerCase());
    for (const tag of tags) {
      const { word, target } = splitAdded(tag.opinion, x, this.segmenter());
      if (tag.polarity !== 'neutral' && word && !holdsKnown(word.toLowerCase(), tag.polarity === 'positive' ? 1 : -1, x)) tally(words, word, tag);
      const aspect = tag.aspect ?? target;
      if (unknownAspect(aspect)) tally(aspects, aspect, tag);
    }
    return {
      sentiment: [...words.values()]
        .filter((t) => t.positive + t.negative > 0)
        .sort(byCountThenRecent)
        .slice(0, MAX_ITEMS)
        .map((t) => ({
          word: t.display,
          score: t.negative > t.positive ? -1 : 1,
          count: t.positive + t.negative,
          conflicting: t.positive > 0 && t.negative > 0,
          category: majorityCategory(t),
          examples: t.examples,
        })),
      aspects: [...aspects.values()]
        .sort((a, b) => sum(b.categories) - sum(a.categories) || b.latest - a.latest || (a.key < b.key ? -1 : 1))
        .slice(0, MAX_ITEMS)
        .map((t) => ({ term: t.display, category: majorityCategory(t), count: sum(t.categories), conflicting: t.categories.size > 1, examples: t.examples })),
      addedTags: tags.length,
    };
  }

  /** The tenant's added tags still in effect: added, not reverted, not deleted or erased since. */
  private async addedTags(tenant: string): Promise<TagRecord[]> {
    const added = new Map<string, string>();
    const undone = new Set<string>();
    let afterId = '';
    for (;;) {
      const rows = await this.store.corrections.list({ tenant, op: { $in: ['add', 'revert'] }, _id: { $gt: afterId } }, PAGE);
      for (const c of rows) {
        if (c.op === 'add' && c.tagId) added.set(c._id, c.tagId);
        else if (c.op === 'revert' && c.reverts) undone.add(c.reverts);
      }
      if (rows.length < PAGE) break;
      afterId = rows[rows.length - 1]!._id;
    }
    // correction ids are ULIDs: the last ones are the newest
    const ids = [...new Set([...added.entries()].filter(([id]) => !undone.has(id)).map(([, tagId]) => tagId))].slice(-MAX_ADDED);
    const out: TagRecord[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      out.push(...(await this.store.tags.list({ _id: { $in: ids.slice(i, i + PAGE) }, tenant, source: 'human' }, PAGE)));
    }
    // the store's order is not the log's: ids sort the same way everywhere
    return out.sort((a, b) => (a._id < b._id ? -1 : 1));
  }
}

/**
 * Whether the lexicon holds `w`, or a word inside it (2 characters or more) with the labelers' polarity:
 * the rules find that one (扣费莫名其妙 holds 莫名其妙), so the miss was not for want of vocabulary. A known
 * word of the other polarity (好棒棒 said of a crash) does not count: the phrase is what needs the entry.
 */
function holdsKnown(w: string, sign: 1 | -1, x: ExtractLexicon): boolean {
  // the entry itself is there already, whatever its polarity: there is nothing to add
  if (x.sentiment.has(w)) return true;
  for (let i = 0; i < w.length; i++) {
    for (const L of lengthsAt(x, w, i)) {
      if (L < 2 || i + L > w.length) continue;
      const v = x.sentiment.get(w.slice(i, i + L));
      if (v !== undefined && Math.sign(v) === sign) return true;
    }
  }
  return false;
}

/** The opinion with up to EXAMPLE_CONTEXT characters of its clause on each side, … where cut. */
function around(sentence: string, opinion: string): string {
  const at = sentence.indexOf(opinion);
  if (at < 0) return sentence.length > 2 * EXAMPLE_CONTEXT ? `${sentence.slice(0, 2 * EXAMPLE_CONTEXT)}…` : sentence;
  let from = Math.max(0, at - EXAMPLE_CONTEXT);
  let to = Math.min(sentence.length, at + opinion.length + EXAMPLE_CONTEXT);
  // never between the two halves of an emoji
  if (from > 0 && /[\uDC00-\uDFFF]/.test(sentence[from]!)) from--;
  if (to < sentence.length && /[\uD800-\uDBFF]/.test(sentence[to - 1]!)) to++;
  return `${from > 0 ? '…' : ''}${sentence.slice(from, to)}${to < sentence.length ? '…' : ''}`;
}

const sum = (m: Map<unknown, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** the copula and light verbs left in front once the modifiers are gone (网速也是感人, 体验就是坑) */
/** jieba's noun-like tags: nouns, proper nouns, nominal verbs (扣费), English words (ETC, App) */
const NOUN = /^(n|vn|eng)/;
const COPULA = /^(?:也|都|就|还|真|简直|实在|可以说)?算?是(?=[\p{Script=Han}A-Za-z0-9]{2})/u;

/**
 * An added opinion split the way the lexicon needs it. A labeler's span often holds the target too (隔音感人,
 * 回复速度真的太感人了, 小程序卡成狗): what the rules lack is the evaluation after it, and sometimes the
 * target itself. `word` is taken from the words after the last noun, without the degree and aspectual words
 * the rules already read (太, 真的, 也), a copula (是) and particles (了, 啊), so the first two suggest 感人; a
 * negator stays (不给力 is its own entry with its own polarity). `target` is the run of nouns before it
 * (小程序, 云闪付绑卡流程). Either is null when nothing usable as a lexicon term is left.
 */
export function splitAdded(opinion: string, x: ExtractLexicon, jieba: Jieba): { word: string | null; target: string | null } {
  const trimmed = opinion.trim().replace(TRAILING, '');
  const text = trimmed.toLowerCase();
  if (!text) return { word: null, target: null };
  const tokens = tokenize(jieba, text, 0, text.length, x.lex.taxonomy.aspectIndex, x.sentiment);
  // a noun with something after it is the target of what follows
  let last = -1;
  tokens.forEach((t, k) => {
    if (NOUN.test(t.tag) && k < tokens.length - 1) last = k;
  });
  let first = last;
  while (first > 0 && NOUN.test(tokens[first - 1]!.tag)) first--;
  // the evaluation follows the last degree or aspectual word (扣费真的离谱, where jieba reads 扣费 as a verb)
  let from = last >= 0 ? tokens[last]!.end : 0;
  for (const t of tokens) {
    const kind = x.modifiers.get(t.word);
    if (t.start >= from && t.end < text.length && (kind === 'degree' || kind === 'adverb')) from = t.end;
  }
  let w = text.slice(from);
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (let L = Math.min(x.maxModLen, w.length - 1); L >= 1; L--) {
      const kind = x.modifiers.get(w.slice(0, L));
      if (kind === 'degree' || kind === 'adverb') {
        w = w.slice(L);
        stripped = true;
        break;
      }
    }
    const c = COPULA.exec(w);
    if (c) {
      w = w.slice(c[0].length);
      stripped = true;
    }
  }
  // the stored text's own casing (App, ETC): the lexicon matches lower-cased text either way
  const original = (s: number, e: number) => trimmed.slice(s, e);
  const word = w ? original(text.length - w.length, text.length) : '';
  const target = last >= 0 ? original(tokens[first]!.start, tokens[last]!.end) : '';
  return { word: TERM.test(word) ? word : null, target: target.length >= 2 && TERM.test(target) ? target : null };
}
