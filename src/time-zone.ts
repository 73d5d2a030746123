// The service's time zone (TIME_ZONE): where a "day" starts for daily trends and survey buckets, and how
// dates without an offset are read (2026-11-28, or 2026-11-28T09:30 from a contact-center export).
// A Beijing contact center's day runs 00:00-24:00 +08:00; bucketed in UTC, everything before 08:00 lands
// on the previous day's bar. Process-wide rather than threaded through every caller: it is set once at
// boot from the validated config (runtime.createServices), and nothing else writes it.

let zone = 'UTC';
const formatters = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The IANA name as Intl spells it (asia/shanghai → Asia/Shanghai), so stored keys never depend on spelling. */
export function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

export function setTimeZone(name: string): void {
  zone = canonicalTimeZone(name);
}

export function timeZone(): string {
  return zone;
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading of an instant in a zone. */
export function wallTime(date: Date, tz = zone): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(date)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(ms: number, tz: string): number {
  const w = wallTime(new Date(ms), tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time names in a zone. The offsets in force a day before and a day after are the
 * candidates (a zone changes offset at most once in two days); a candidate is the answer when the zone
 * really has that offset at the instant it gives. Both are (a fall-back hour, read twice): the first
 * occurrence, the earlier instant. Neither is (skipped by a spring-forward gap): the same wall time shifted
 * forward by the gap, read with the offset before the change, as java.time and Temporal do; so where
 * clocks spring forward at midnight (Chile, Cuba) a date's 00:00 is its first instant, 01:00, and never
 * an hour of the day before.
 */
export function instantOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0, tz = zone): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const before = offsetAt(guess - 86_400_000, tz);
  const after = offsetAt(guess + 86_400_000, tz);
  const valid = [before, after].map((o) => guess - o).filter((at) => guess - offsetAt(at, tz) === at);
  return new Date(valid.length > 0 ? Math.min(...valid) : guess - before);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The calendar day (YYYY-MM-DD) an instant falls on in the zone: what daily trends group by. */
export function dayOf(date: Date, tz = zone): string {
  const w = wallTime(date, tz);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/**
 * Reads a date string as an instant: with an offset (Z, +08:00) it is that instant; a date alone is 00:00 and
 * a date-time without an offset is that wall time, both in the service's zone (JavaScript would read the
 * first as UTC and the second in the host's zone, which in a container is UTC too). Null when unreadable or
 * not a real calendar day (2024-02-31).
 */
export function readInstant(value: string, tz = zone): Date | null {
  const m = DATE_ONLY.exec(value) ?? LOCAL_DATE_TIME.exec(value);
  if (m) {
    const [y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m.slice(1).map((v) => v ?? undefined) as string[];
    const year = Number(y), month = Number(mo), day = Number(d);
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
    if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
    const out = instantOf(year, month, day, Number(h), Number(mi), Number(s), Math.floor(Number(`0.${frac}`) * 1000), tz);
    return Number.isNaN(out.getTime()) ? null : out;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
