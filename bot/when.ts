import { DateTime, IANAZone } from 'luxon';
import type { When } from '../server/offboarding/contract.js';

/**
 * The time words of `offboard <person> [now | <when>]`, read in the requester's time zone:
 * "now", "in 2 hours", "in 30 minutes", "in 3 days", "today 17:00", "tomorrow 9:00",
 * "friday 17:00" (the next Friday; today if it is Friday and the time is still ahead),
 * "2026-12-01 09:00", "17:00" (today). A day without a time means 17:00 that day.
 */

export type ParsedWhen = { ok: true; when: When; label: string } | { ok: false; message: string };

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DEFAULT_TIME = { hour: 17, minute: 0 };
export const WHEN_EXAMPLES = '"now", "friday 17:00", "tomorrow 9:00", "2026-12-01 09:00" or "in 2 hours"';

function timeOf(text: string | undefined): { hour: number; minute: number } | null {
  if (!text) return DEFAULT_TIME;
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half === 'pm' && hour < 12) hour += 12;
  if (half === 'am' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59 || (!m[2] && !half)) return null;
  return { hour, minute };
}

export function parseWhen(input: string, timeZone: string, now = DateTime.now()): ParsedWhen {
  const zone = IANAZone.isValidZone(timeZone) ? timeZone : 'UTC';
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  const here = now.setZone(zone);
  const at = (d: DateTime): ParsedWhen => {
    if (d < here.minus({ minutes: 1 })) return { ok: false, message: `${d.toFormat("cccc d LLLL yyyy 'at' HH:mm")} (${zone}) has passed. Give a time ahead, e.g. ${WHEN_EXAMPLES}.` };
    return { ok: true, when: { kind: 'at', at: d.toFormat("yyyy-LL-dd'T'HH:mm"), timeZone: zone }, label: `${d.toFormat("cccc d LLLL yyyy 'at' HH:mm")} (${zone})` };
  };
  if (text === '' || text === 'now') return { ok: true, when: { kind: 'now' }, label: 'now (after approval)' };

  const rel = /^in (\d{1,4}) ?(minutes?|mins?|hours?|hrs?|h|days?|d)$/.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2]!.startsWith('m') ? 'minutes' : rel[2]!.startsWith('h') ? 'hours' : 'days';
    return at(here.plus({ [unit]: n }).startOf('minute'));
  }

  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[ t](.+))?$/.exec(text);
  if (date) {
    const t = timeOf(date[4]);
    const d = DateTime.fromObject({ year: Number(date[1]), month: Number(date[2]), day: Number(date[3]), ...(t ?? DEFAULT_TIME) }, { zone });
    if (!t || !d.isValid) return { ok: false, message: `I could not read "${input}" as a date and time. Try ${WHEN_EXAMPLES}.` };
    return at(d);
  }

  const day = /^(today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)(?: (?:at )?(.+))?$/.exec(text);
  const timeOnly = day ? null : /^(?:at )?(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)$/.exec(text);
  if (day || timeOnly) {
    const t = timeOf(day ? day[2] : timeOnly![1]);
    if (!t) return { ok: false, message: `I could not read the time in "${input}". Use 24-hour time like 17:00, or 5pm.` };
    let d = here.set({ ...t, second: 0, millisecond: 0 });
    const word = day?.[1] ?? 'today';
    if (word === 'tomorrow') d = d.plus({ days: 1 });
    else if (word !== 'today') {
      const target = WEEKDAYS.findIndex((w) => w.startsWith(word)) + 1;
      let ahead = (target - d.weekday + 7) % 7;
      if (ahead === 0 && d <= here) ahead = 7;
      d = d.plus({ days: ahead });
    }
    return at(d);
  }
  return { ok: false, message: `I could not read "${input}" as a time. Try ${WHEN_EXAMPLES}.` };
}
