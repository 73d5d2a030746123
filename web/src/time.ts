// Times are shown in the service's TIME_ZONE (GET /v1/me → timeZone), not the browser's: the dashboard's
// days and the date filters are the service's days, so a complaint at 07:30 Beijing time must read 07:30 and
// sit on that day's bar even for an analyst whose laptop runs on UTC. Set once at sign-in.

let zone = 'UTC';
let format: Intl.DateTimeFormat | null = null;

export function setDisplayZone(tz: string | undefined): void {
  zone = tz && tz !== '' ? tz : 'UTC';
  format = null;
}

function parts(iso: string): Record<string, string> | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  format ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(date)) if (p.type !== 'literal') out[p.type] = p.value;
  return out;
}

/** YYYY-MM-DD HH:mm (or with :ss) in the service's zone; '' for a missing or unreadable value. */
export function wallTime(iso: string | null | undefined, seconds = false): string {
  const p = iso ? parts(iso) : null;
  if (!p) return '';
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
}

/** The service-zone day an instant falls on. */
export function dayIn(iso: string): string {
  const p = parts(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : '';
}

/**
 * Every period from the first to the last label, so a chart's axis keeps the time between them: a day
 * (or week, month) without data is a gap at its place, not skipped so that the line joins its neighbours.
 * Labels are YYYY-MM-DD (a week by its Monday) or YYYY-MM; others are returned as they are.
 */
export function fillPeriods(labels: string[], interval: 'day' | 'week' | 'month'): string[] {
  const sorted = [...new Set(labels)].sort();
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return sorted;
  const out: string[] = [];
  const LIMIT = 3660;
  if (interval === 'month') {
    if (!/^\d{4}-\d{2}$/.test(first) || !/^\d{4}-\d{2}$/.test(last)) return sorted;
    let [y, m] = first.split('-').map(Number) as [number, number];
    for (let label = first; label <= last && out.length < LIMIT; ) {
      out.push(label);
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
      label = `${y}-${String(m).padStart(2, '0')}`;
    }
    return out;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(first) || !/^\d{4}-\d{2}-\d{2}$/.test(last)) return sorted;
  const step = interval === 'week' ? 7 : 1;
  const d = new Date(`${first}T00:00:00Z`);
  for (let label = first; label <= last && out.length < LIMIT; ) {
    out.push(label);
    d.setUTCDate(d.getUTCDate() + step);
    label = d.toISOString().slice(0, 10);
  }
  return out;
}
