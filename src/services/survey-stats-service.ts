import { dayOf, readInstant } from '../time-zone.js';
import { badRequest } from '../errors.js';
import type { Filter } from '../store/collection.js';
import type { Store } from '../store/store.js';

// NPS = % promoters (9–10) − % detractors (0–6); CSAT = share of 4–5 answers. Both come with a 95%
// interval that stays honest on the small samples a day or a channel often has: the plain Wald
// interval has zero width whenever every answer falls in one group (three 10s gave [100, 100]).
// NPS: the adjusted Wald interval of Rocks (2016, The American Statistician 70(4)), as MeasuringU
// (Sauro & Lewis) apply it — add 3/4 of an answer to promoters and to detractors and 3 to n, then
// use the variance of a difference of two shares of one multinomial sample, (p + d − (p − d)²) / n.
// CSAT: the Wilson score interval for a binomial share (Wilson 1927), which never leaves [0, 1].

export type Interval = 'day' | 'week' | 'month';

export interface ScoreSummary {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
  ci95: [number, number] | null;
}

// Half away from zero, as spreadsheets round: Math.round alone takes -6.25 up to -6.2 but 6.25 to 6.3, so
// an NPS and its mirror image (promoters and detractors swapped) would not read as opposites.
const round1 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 10)) / 10 || 0;
const Z95 = 1.959963984540054;

export function npsOf(scores: number[]): ScoreSummary {
  const n = scores.length;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const passives = n - promoters - detractors;
  if (n === 0) return { n, promoters, passives, detractors, nps: null, ci95: null };
  const nps = ((promoters - detractors) / n) * 100;
  const na = n + 3;
  const pa = (promoters + 0.75) / na;
  const da = (detractors + 0.75) / na;
  // The interval is centred on the adjusted estimate, not on the reported NPS: that shift towards 0
  // is what gives it its coverage at small n (so a single answer's NPS of 100 lies just outside it).
  const centre = (pa - da) * 100;
  const half = Z95 * Math.sqrt((pa + da - (pa - da) ** 2) / na) * 100;
  return { n, promoters, passives, detractors, nps: round1(nps), ci95: [round1(Math.max(-100, centre - half)), round1(Math.min(100, centre + half))] };
}

/** CSAT: the share of satisfied answers (4-5), with the neutral (3) and dissatisfied (1-2) counts beside it. */
export function csatOf(scores: number[]) {
  const n = scores.length;
  const satisfied = scores.filter((s) => s >= 4).length;
  const neutral = scores.filter((s) => s === 3).length;
  const dissatisfied = n - satisfied - neutral;
  if (n === 0) return { n, satisfied, neutral, dissatisfied, csat: null, ci95: null, mean: null };
  const p = satisfied / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  return { n, satisfied, neutral, dissatisfied, csat: round1(p * 100), ci95: [round1(Math.max(0, centre - half) * 100), round1(Math.min(1, centre + half) * 100)], mean: Math.round(mean * 100) / 100 };
}

/** The period label of an instant: its day, ISO week (Monday) or month in the service's TIME_ZONE. */
function periodOf(at: Date, interval: Interval): string {
  const day = dayOf(at);
  if (interval === 'day') return day;
  if (interval === 'month') return day.slice(0, 7);
  // ISO week start (Monday), so weeks never straddle two labels; weekday arithmetic on the local date
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

export interface DriverRow {
  category?: string;
  aspect?: string;
  /** Survey answers carrying this negative theme. */
  n: number;
  detractorShare: number | null;
  promoterShare: number | null;
  meanScoreWith: number | null;
  meanScoreWithout: number | null;
  /** Estimated NPS change if this negative theme disappeared: NPS of the answers without it − NPS of all. */
  npsImpact: number | null;
  /** The same for CSAT answers, in percentage points of CSAT. */
  csatImpact: number | null;
  lowSample: boolean;
}

// How drivers split each scale. NPS: detractors 0-6, promoters 9-10. CSAT has no published
// detractor band; its score is the share of satisfied (4-5) answers, so the answers that lower it
// are all the others (1-3), and a theme's shares among those two groups are what its impact on CSAT
// is made of. Counting only 1-2 as detractors would leave a theme common among 3s lowering CSAT
// while looking absent from its detractors.
// `score` is unrounded: an impact is a difference of two scores, and subtracting the reported (rounded)
// ones put it off by 0.1 (83.4 for 66.67 - (-16.67) = 83.33).
const exactScore = (xs: number[], good: (s: number) => boolean, bad: (s: number) => boolean) =>
  xs.length ? ((xs.filter(good).length - xs.filter(bad).length) / xs.length) * 100 : null;
const SPLITS = {
  nps: { low: (s: number) => s <= 6, high: (s: number) => s >= 9, score: (xs: number[]) => exactScore(xs, (v) => v >= 9, (v) => v <= 6) },
  csat: { low: (s: number) => s <= 3, high: (s: number) => s >= 4, score: (xs: number[]) => exactScore(xs, (v) => v >= 4, () => false) },
} as const;

export class SurveyStatsService {
  constructor(private readonly store: Store) {}

  private async surveys(tenant: string, scale: 'nps' | 'csat', q: { from?: string; to?: string; channel?: string }) {
    const filter: Filter = { tenant, scale, score: { $ne: null } };
    if (q.channel) filter.source = q.channel;
    const from = q.from ? readInstant(q.from) : null;
    const to = q.to ? readInstant(q.to) : null;
    // An empty answer here would read as "no survey answers in that range"; the feed and the
    // dashboard refuse the same range, so the NPS page does too.
    if (from && to && from > to) throw badRequest('from must not be after to', [{ field: 'from', message: 'after to' }]);
    if (from || to) filter.at = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
    return (await this.store.documents.list(filter, 1_000_000, { at: 1 })).map((d) => ({
      id: d._id,
      score: d.score!,
      at: new Date(d.at ?? d.createdAt),
      commented: d.text !== null || (d.turns?.length ?? 0) > 0,
    }));
  }

  async trend(tenant: string, q: { from?: string; to?: string; channel?: string; scale?: 'nps' | 'csat'; interval?: Interval }) {
    const scale = q.scale ?? 'nps';
    const interval = q.interval ?? 'week';
    const docs = await this.surveys(tenant, scale, q);
    const groups = new Map<string, number[]>();
    for (const d of docs) {
      const key = periodOf(d.at, interval);
      groups.set(key, [...(groups.get(key) ?? []), d.score]);
    }
    const summarize = scale === 'nps' ? npsOf : csatOf;
    return {
      scale,
      interval,
      overall: summarize(docs.map((d) => d.score)),
      commented: docs.filter((d) => d.commented).length,
      series: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([period, scores]) => ({ period, ...summarize(scores) })),
    };
  }

  async drivers(tenant: string, q: { from?: string; to?: string; channel?: string; scale?: 'nps' | 'csat'; minCount?: number; topAspects?: number }) {
    const scale = q.scale ?? 'nps';
    const split = SPLITS[scale];
    const minCount = q.minCount ?? 30;
    const docs = await this.surveys(tenant, scale, q);
    const scoreOf = new Map(docs.map((d) => [d.id, d.score]));
    const themes = { category: new Map<string, Set<string>>(), aspect: new Map<string, Set<string>>() };
    const ids = [...scoreOf.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      const tags = await this.store.tags.list({ documentId: { $in: ids.slice(i, i + 1000) }, polarity: 'negative' }, 1_000_000);
      for (const t of tags) {
        // Aspects group as the dashboard's top aspects and the feed's aspect filter do: 网速, 网络 and
        // 宽带 are one theme (网络), so its answers are counted once and its impact is not split three ways.
        for (const [kind, key] of [['category', t.category], ['aspect', t.canonicalAspect ?? t.aspect]] as const) {
          if (!key) continue;
          const set = themes[kind].get(key) ?? new Set<string>();
          set.add(t.documentId);
          themes[kind].set(key, set);
        }
      }
    }
    const all = docs.map((d) => d.score);
    const overall = scale === 'nps' ? npsOf(all) : csatOf(all);
    const allScore = split.score(all);
    const lows = all.filter(split.low).length;
    const highs = all.filter(split.high).length;
    const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);
    const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 1000 : null);
    const row = (withIds: Set<string>): DriverRow => {
      const withScores = [...withIds].map((id) => scoreOf.get(id)!);
      const withoutScores = docs.filter((d) => !withIds.has(d.id)).map((d) => d.score);
      const without = split.score(withoutScores);
      const impact = allScore !== null && without !== null ? round1(without - allScore) : null;
      return {
        n: withIds.size,
        detractorShare: share(withScores.filter(split.low).length, lows),
        promoterShare: share(withScores.filter(split.high).length, highs),
        meanScoreWith: mean(withScores),
        meanScoreWithout: mean(withoutScores),
        npsImpact: scale === 'nps' ? impact : null,
        csatImpact: scale === 'csat' ? impact : null,
        lowSample: withIds.size < minCount,
      };
    };
    const impactOf = (r: DriverRow) => (scale === 'nps' ? r.npsImpact : r.csatImpact) ?? -Infinity;
    // Ties go by name in code-point order, as the dashboard's top aspects sort: by the order tags happened to
    // be read, which aspect made the top-N cut changed from one request to the next as answers arrived.
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    // (two rows without an impact subtract to NaN, which falls through to the name as a tie does)
    const byImpact = (a: DriverRow, b: DriverRow) => impactOf(b) - impactOf(a);
    const categories = [...themes.category.entries()]
      .map(([category, set]) => ({ category, ...row(set) }))
      .sort((a, b) => byImpact(a, b) || byName(a.category, b.category));
    const aspects = [...themes.aspect.entries()]
      .sort((a, b) => b[1].size - a[1].size || byName(a[0], b[0]))
      .slice(0, q.topAspects ?? 10)
      .map(([aspect, set]) => ({ aspect, ...row(set) }))
      .sort((a, b) => byImpact(a, b) || byName(a.aspect, b.aspect));
    return { scale, overall, commented: docs.filter((d) => d.commented).length, minCount, categories, aspects };
  }
}
