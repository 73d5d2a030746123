import { badRequest } from '../errors.js';
import { dayOf, readInstant } from '../time-zone.js';
import { dateBounds } from '../services/query-service.js';
import type { DocumentRecord, TagRecord } from '../store/records.js';
import { ANALYSED, wasAnalysed } from '../store/documents-repository.js';
import type { Store } from '../store/store.js';

// Journey method (docs/actions.md):
//   touchpoint score s = Σ(confidence × polarity) / Σ confidence over its tags, polarity +1/−1/0;
//   a tagged document with no opinion scores what its survey score says (scoreClass), else 0; an
//   untagged (pending/failed) one has no score.
//   emotion after touchpoint n = Σ_{k=0..9} s_{n−k} × 0.5^(k / HALF_LIFE), over the last 10 scored
//   touchpoints, newest k = 0; churn risk when emotion ≤ CHURN_THRESHOLD.
// Decay counts touchpoints, not days, so a quiet customer's last mood does not fade just because
// time passed, and the same history always gives the same curve.
export const JOURNEY_WINDOW = 10;
export const HALF_LIFE_TOUCHPOINTS = 3;
/** About two recent clearly negative touchpoints (−1 − 0.79); one alone (−1) is not enough. */
export const CHURN_THRESHOLD = -1.5;
const DAY = 86_400_000;

const polarityValue = (p: TagRecord['polarity']) => (p === 'positive' ? 1 : p === 'negative' ? -1 : 0);

export function touchpointScore(tags: Pick<TagRecord, 'polarity' | 'confidence'>[]): number {
  const weight = tags.reduce((sum, t) => sum + t.confidence, 0);
  if (weight <= 0) return 0;
  return tags.reduce((sum, t) => sum + t.confidence * polarityValue(t.polarity), 0) / weight;
}

/**
 * The polarity of a survey score, for a touchpoint whose words hold no opinion (most survey answers come
 * without a comment). Scoring such a detractor 0 would not only miss it: as a neutral touchpoint it pushes the
 * customer's earlier complaints one step back in the decay, so answering 0 out of 10 made the churn risk
 * smaller. NPS reads by its own bands (detractors 0-6 −1, passives 7-8 0, promoters 9-10 +1); CSAT by what its
 * five points say (1-2 dissatisfied −1, 3 neutral 0, 4-5 satisfied +1), the same weight as one clearly
 * negative or positive opinion.
 */
export function scoreClass(score: number | null | undefined, scale: 'nps' | 'csat' | null | undefined): number {
  if (typeof score !== 'number' || !scale) return 0;
  if (scale === 'nps') return score <= 6 ? -1 : score >= 9 ? 1 : 0;
  return score <= 2 ? -1 : score >= 4 ? 1 : 0;
}

/** A done touchpoint's score: its opinions when it has any, else its survey score's polarity. */
function scoreOf(tags: Pick<TagRecord, 'polarity' | 'confidence'>[], d: Pick<DocumentRecord, 'score' | 'scale'>): number {
  return tags.some((t) => t.confidence > 0) ? touchpointScore(tags) : scoreClass(d.score, d.scale);
}

/** emotion[i] accumulates scores[i−9..i] with a half-life of HALF_LIFE_TOUCHPOINTS. */
export function accumulate(scores: number[]): number[] {
  return scores.map((_, i) => {
    let sum = 0;
    for (let k = 0; k < JOURNEY_WINDOW && i - k >= 0; k++) sum += scores[i - k]! * 0.5 ** (k / HALF_LIFE_TOUCHPOINTS);
    return sum;
  });
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

// Two-proportion z-test with pooled variance; the p-value is two-sided.
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): { z: number | null; pValue: number | null; significant: boolean } {
  if (n1 === 0 || n2 === 0) return { z: null, pValue: null, significant: false };
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: null, pValue: null, significant: false };
  const z = (x1 / n1 - x2 / n2) / se;
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  return { z, pValue, significant: pValue < 0.05 };
}

/**
 * The test behind the KPI view's significance. The z-test's normal approximation needs about five
 * expected negatives and non-negatives in each period; below that it calls moves like 3 of 3 against
 * 0 of 3 significant (z ≈ 2.45, p ≈ 0.014) that Fisher's exact test puts at p = 0.1. Small tables get
 * the exact test's p-value; z is still reported for reference.
 */
export function compareProportions(x1: number, n1: number, x2: number, n2: number): { z: number | null; pValue: number | null; significant: boolean; test: 'z' | 'fisher' | null } {
  const z = twoProportionZ(x1, n1, x2, n2);
  if (z.z === null) return { ...z, test: null };
  const k = x1 + x2;
  const n = n1 + n2;
  const smallest = Math.min(n1, n2) * (Math.min(k, n - k) / n);
  if (smallest >= 5) return { ...z, test: 'z' };
  const pValue = fisherExact(x1, n1, x2, n2);
  return { z: z.z, pValue, significant: pValue < 0.05, test: 'fisher' };
}

/** Two-sided Fisher exact p-value for [[x1, n1 − x1], [x2, n2 − x2]]: tables no likelier than the one seen. */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): number {
  const k = x1 + x2;
  const logP = (a: number) => logChoose(n1, a) + logChoose(n2, k - a) - logChoose(n1 + n2, k);
  const seen = logP(x1);
  let p = 0;
  for (let a = Math.max(0, k - n2); a <= Math.min(k, n1); a++) {
    const la = logP(a);
    // A relative tolerance keeps tables exactly as likely as the observed one despite rounding.
    if (la <= seen + 1e-7) p += Math.exp(la);
  }
  return Math.min(1, p);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

// Lanczos approximation (g = 7, n = 9), accurate to about 15 digits for the positive integers used here.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Φ(x) through erfc; the Chebyshev fit below (Numerical Recipes' erfcc) is within 1.2e−7, plenty for p-values. */
export function normalCdf(x: number): number {
  return 1 - 0.5 * erfc(x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const touchAt = (d: Pick<DocumentRecord, 'occurredAt' | 'createdAt'>) => new Date(d.occurredAt ?? d.createdAt);

/** Days the KPI view compares when asked without dates. */
export const KPI_DAYS = 7;

/** The `days` TIME_ZONE days up to and including today's: from the first one's 00:00 to today's last millisecond. */
function lastDays(days: number, now: Date): { gte: Date; lte: Date } {
  const today = dayOf(now);
  const shift = (n: number) => {
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return readInstant(d.toISOString().slice(0, 10))!;
  };
  return { gte: shift(-(days - 1)), lte: new Date(shift(1).getTime() - 1) };
}

const dayStart = (day: string) => readInstant(day)!;
const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/**
 * Where the KPI's previous period starts. A period of whole TIME_ZONE days (from a day's first instant to
 * another's last millisecond: the default, and the console's date pickers) is compared with as many whole
 * days before it, which across a daylight-saving change are an hour longer or shorter than the current
 * period: as many milliseconds would start the previous period an hour into its first day, or in the day
 * before it. Any other period is compared with the same length in milliseconds.
 */
function previousFrom(from: Date, to: Date): Date {
  const first = dayOf(from);
  const end = new Date(to.getTime() + 1);
  const next = dayOf(end);
  if (dayStart(first).getTime() === from.getTime() && dayStart(next).getTime() === end.getTime()) {
    const days = Math.round((Date.parse(`${next}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY);
    return dayStart(addDays(first, -days));
  }
  return new Date(from.getTime() - (to.getTime() - from.getTime() + 1));
}

export class InsightsService {
  constructor(private readonly store: Store) {}

  async journey(tenant: string, customerId: string, limit = 200) {
    const history = (await this.store.actions.queries.findDocuments({ tenant, customerId }, { createdAt: -1, _id: -1 }, 5000)).sort(
      (a, b) => touchAt(a).getTime() - touchAt(b).getTime() || (a._id < b._id ? -1 : 1),
    );
    // `limit` trims what is shown (the newest touchpoints, oldest first), not what is counted: the
    // emotion at the first shown touchpoint, and the churn verdict, include the scored touchpoints
    // before it, so ?limit=1 gives the same emotion as the full journey.
    const docs = history.slice(-limit);
    const scored = history.filter(wasAnalysed).slice(-(limit + JOURNEY_WINDOW - 1));
    const tags = await this.store.actions.queries.tagsOf([...new Set([...docs, ...scored].map((d) => d._id))]);
    const byDoc = new Map<string, TagRecord[]>();
    for (const t of tags) byDoc.set(t.documentId, [...(byDoc.get(t.documentId) ?? []), t]);
    const emotions = accumulate(scored.map((d) => scoreOf(byDoc.get(d._id) ?? [], d)));
    const emotionOf = new Map(scored.map((d, i) => [d._id, emotions[i]!]));
    const touchpoints = docs.map((d) => {
      const own = byDoc.get(d._id) ?? [];
      const done = wasAnalysed(d);
      return {
        documentId: d._id,
        at: touchAt(d),
        kind: d.kind,
        channel: d.source,
        status: d.status,
        sentiment: d.sentiment,
        tags: own.length,
        positive: own.filter((t) => t.polarity === 'positive').length,
        negative: own.filter((t) => t.polarity === 'negative').length,
        score: done ? round(scoreOf(own, d)) : null,
        emotion: done ? round(emotionOf.get(d._id)!) : null,
        // what the customer scored us (an NPS or CSAT answer, or a scored comment)
        survey: typeof d.score === 'number' && d.scale ? { score: d.score, scale: d.scale } : null,
        routing: d.routing ? { team: d.routing.team, priority: d.routing.priority, dueAt: d.routing.dueAt } : null,
      };
    });
    const emotion = emotions.length > 0 ? emotions[emotions.length - 1]! : 0;
    return {
      customerId,
      method: { window: JOURNEY_WINDOW, halfLifeTouchpoints: HALF_LIFE_TOUCHPOINTS, churnThreshold: CHURN_THRESHOLD },
      touchpoints,
      emotion: round(emotion),
      churnRisk: emotion <= CHURN_THRESHOLD,
    };
  }

  /** Customers by accumulated emotion over touchpoints of the last `days`, worst first; only those below zero. */
  async atRisk(tenant: string, opts: { days: number; limit: number; onlyAtRisk: boolean }, now = new Date()) {
    const since = new Date(now.getTime() - opts.days * DAY);
    const docs = await this.store.actions.queries.touchpointsOfCustomers({
      tenant,
      customerId: { $exists: true, $ne: null },
      $and: [ANALYSED, { $or: [{ occurredAt: { $gte: since } }, { occurredAt: null, createdAt: { $gte: since } }] }],
    });
    const scores = new Map((await this.store.actions.queries.tagScores({ tenant, at: { $gte: since } })).map((r) => [r._id, r]));
    const byCustomer = new Map<string, { at: Date; id: string; survey: number }[]>();
    for (const d of docs) {
      const point = { at: touchAt(d), id: d._id, survey: scoreClass(d.score, d.scale) };
      byCustomer.set(d.customerId, [...(byCustomer.get(d.customerId) ?? []), point]);
    }
    const rows = [...byCustomer].map(([customerId, list]) => {
      list.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
      // as scoreOf in the journey: the opinions when there are any, else the survey score's polarity
      const s = list.map(({ id, survey }) => {
        const r = scores.get(id);
        return r && r.weight > 0 ? r.weighted / r.weight : survey;
      });
      const curve = accumulate(s);
      const emotion = curve[curve.length - 1] ?? 0;
      return { customerId, emotion: round(emotion), churnRisk: emotion <= CHURN_THRESHOLD, touchpoints: list.length, lastTouchpointAt: list[list.length - 1]!.at };
    });
    const items = rows
      .filter((r) => r.emotion < 0 && (!opts.onlyAtRisk || r.churnRisk))
      .sort((a, b) => a.emotion - b.emotion || (a.customerId < b.customerId ? -1 : 1))
      .slice(0, opts.limit);
    return { since, churnThreshold: CHURN_THRESHOLD, items };
  }

  /**
   * Negative share per category from `from` to `to` against the period of the same length just before it.
   * `to` is an inclusive instant, read as on every other date filter (dateBounds): the console's end-of-day
   * `…T23:59:59.999` counts that last millisecond, so the KPI's current period counts what the summary
   * counts for the same query, and a date-only `to` is 00:00 of that day, included, as on the summary.
   * Both periods are closed: the previous one ends the millisecond before `from` and lasts as long, in whole
   * TIME_ZONE days when the period is whole days (previousFrom), else in milliseconds.
   * `channel` and `kind` narrow both periods, as they narrow the summary.
   * Without dates it is the last 7 whole TIME_ZONE days, today included: the days the dashboard names and
   * the feed's date pickers can open (dayOf(period.from) ~ dayOf(period.to) reads as the same instants).
   * With one end only, the other is as before: `to` now, or `from` 7 × 24 h before `to`.
   */
  async kpi(tenant: string, q: { from?: string; to?: string; channel?: string; kind?: string }, now = new Date()) {
    const bounds = q.from || q.to ? dateBounds(q.from, q.to) : lastDays(KPI_DAYS, now);
    const to = bounds.lte ?? now;
    const from = bounds.gte ?? new Date(to.getTime() - KPI_DAYS * DAY);
    if (from > to) throw badRequest('from must not be after to', [{ field: 'from', message: 'after to' }]);
    const prevTo = new Date(from.getTime() - 1);
    const prevFrom = previousFrom(from, to);
    const scope = { tenant, ...(q.channel ? { channel: q.channel } : {}), ...(q.kind ? { kind: q.kind } : {}) };
    const [current, previous] = await Promise.all([
      this.store.tags.countBy({ ...scope, at: { $gte: from, $lte: to } }, 'category'),
      this.store.tags.countBy({ ...scope, at: { $gte: prevFrom, $lte: prevTo } }, 'category'),
    ]);
    const prev = new Map(previous.map((r) => [r.key, r]));
    const keys = [...new Set([...current.map((r) => r.key), ...previous.map((r) => r.key)])].sort();
    const cur = new Map(current.map((r) => [r.key, r]));
    const categories = keys.map((category) => {
      const c = cur.get(category) ?? { negative: 0, total: 0 };
      const p = prev.get(category) ?? { negative: 0, total: 0 };
      const share = c.total > 0 ? c.negative / c.total : null;
      const prevShare = p.total > 0 ? p.negative / p.total : null;
      const test = compareProportions(c.negative, c.total, p.negative, p.total);
      return {
        category,
        current: { negative: c.negative, total: c.total, share: share === null ? null : round(share) },
        previous: { negative: p.negative, total: p.total, share: prevShare === null ? null : round(prevShare) },
        change: share !== null && prevShare !== null ? round(share - prevShare) : null,
        z: test.z === null ? null : round(test.z),
        pValue: test.pValue === null ? null : round(test.pValue, 6),
        significant: test.significant,
        test: test.test,
      };
    });
    return { period: { from, to }, previousPeriod: { from: prevFrom, to: prevTo }, categories };
  }
}
