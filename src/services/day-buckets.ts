import { ulid } from '../ids.js';
import type { Logger } from '../logger.js';
import type { DayBucketsState } from '../store/records.js';
import type { Store } from '../store/store.js';
import { dayOf, timeZone } from '../time-zone.js';

const BATCH = 500;

/**
 * Keeps every tag's `day` (the bucket daily trends count it in) in the service's TIME_ZONE. A tag's day
 * is written when it is tagged, so after TIME_ZONE changes, tags written before would stay on the old
 * zone's days: a center that started on the UTC default and then set Asia/Shanghai would see every
 * complaint before 08:00 on the previous day's bar until it re-analyzed everything. Instead the
 * reconciler calls `sweep()`, which finds the install-wide record naming another zone (or none: every
 * store from before this sweep) and moves every tag whose day differs, BATCH at a time in id order.
 *
 * One process sweeps at a time (a claim with a lease, taken by compare-and-set); its cursor is stored
 * after every batch, so a process that dies mid-way is taken over from there once its lease runs out,
 * and a stopped one hands it back at once. Re-running a batch is harmless: a tag's day is a function of
 * its `at` and the zone. Processes running with different zones (a rolling restart that changes it)
 * each sweep to their own in turn; once only one zone runs, the last sweep leaves every tag in it.
 */
/** Every stored tag counts on the days of this process's zone: the last sweep into it finished. */
export function tagDaysCurrent(state: DayBucketsState | null): boolean {
  return state?.zone === timeZone() && state.after === null;
}

export class DayBuckets {
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly leaseMs: number,
  ) {}

  /** Moves tags into this process's zone if the stored state says they may not all be there; returns how many moved. */
  async sweep(): Promise<number> {
    if (this.stopping) return 0;
    const zone = timeZone();
    const state = await this.store.tenants.dayBuckets();
    if (tagDaysCurrent(state)) return 0;
    // another process holds it: sweeping (to this zone or, mid-way through a rolling restart, its own)
    if (state?.until && new Date(state.until).getTime() > Date.now()) return 0;
    const resume = state?.zone === zone ? state.after! : '';
    const mine: DayBucketsState = { zone, after: resume, until: this.until(), token: ulid() };
    if (!(await this.store.tenants.claimDayBuckets(state?.token ?? null, mine))) return 0;
    if (state && state.zone !== zone) this.logger.warn({ from: state.zone, to: zone }, 'TIME_ZONE changed: moving tags to its days');
    let moved = 0;
    for (;;) {
      if (this.stopping) {
        // handed back with no lease, so the next process to start takes it over at once
        await this.save(mine, { until: null });
        return moved;
      }
      const tags = await this.store.tags.pageById(mine.after!, BATCH);
      const byDay = new Map<string, string[]>();
      for (const t of tags) {
        const day = dayOf(new Date(t.at), zone);
        if (day !== t.day) (byDay.get(day) ?? byDay.set(day, []).get(day)!).push(t._id);
      }
      for (const [day, ids] of byDay) {
        await this.store.tags.setDay(ids, day);
        moved += ids.length;
      }
      const done = tags.length < BATCH;
      if (!(await this.save(mine, done ? { after: null, until: null } : { after: tags[tags.length - 1]!._id, until: this.until() }))) {
        // another process took it over (this one's lease ran out mid-batch): it sweeps on from the stored cursor
        return moved;
      }
      if (done) break;
    }
    if (moved > 0) this.logger.info({ zone, moved }, 'tags moved to the days of TIME_ZONE');
    return moved;
  }

  /** Asks a running sweep to hand its claim back after the batch it is on. */
  stop(): void {
    this.stopping = true;
  }

  private async save(mine: DayBucketsState, change: Partial<DayBucketsState>): Promise<boolean> {
    const next = { ...mine, ...change };
    if (!(await this.store.tenants.claimDayBuckets(mine.token, next))) return false;
    Object.assign(mine, next);
    return true;
  }

  private until(): Date {
    return new Date(Date.now() + this.leaseMs);
  }
}
