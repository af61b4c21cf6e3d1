/**
 * Wall times in an IANA time zone, as the offboarding API takes them: '2026-12-04T17:00' in
 * 'Europe/London'. Only Intl is needed: the offset of a zone at an instant is what its clock shows
 * minus what UTC's clock shows.
 */

/** The browser's time zone, e.g. 'Europe/London'. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every time zone the browser knows, with the browser's own first if it is missing. */
export function timeZones(): string[] {
  const own = browserTimeZone();
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  if (!all.includes('UTC')) all = [...all, 'UTC'];
  return all.includes(own) ? all : [own, ...all];
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** What `timeZone`'s clock minus UTC's clock reads at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant (ms) a wall time 'YYYY-MM-DDTHH:mm' in `timeZone` names, or null when either is not valid. */
export function zonedToInstant(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m || !isTimeZone(timeZone)) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(wall)) return null;
  // Twice: the first guess may sit on the other side of a daylight-saving change.
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

/** An instant as 'YYYY-MM-DDTHH:mm' on the clock of `timeZone` (for date and time inputs). */
export function instantToZoned(instant: number, timeZone: string): string {
  const shifted = new Date(instant + offsetAt(instant, timeZone));
  return shifted.toISOString().slice(0, 16);
}

/** "4 Dec 2026, 17:00" on the clock of `timeZone`. */
export function formatInZone(instant: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(instant));
  } catch {
    return new Date(instant).toISOString();
  }
}
