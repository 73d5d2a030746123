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
