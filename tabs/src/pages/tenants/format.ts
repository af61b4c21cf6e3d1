import { useEffect, useState } from 'react';

const numberFormat = new Intl.NumberFormat(undefined);
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const formatNumber = (n: number) => numberFormat.format(n);
export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));

/** "1 person" / "200 people". */
export const people = (n: number) => `${formatNumber(n)} ${n === 1 ? 'person' : 'people'}`;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 12 minutes", "3 hours ago"; within 45 seconds, "just now" or "in a moment". */
export function formatRelative(iso: string, now: number): string {
  const diff = new Date(iso).getTime() - now;
  if (Number.isNaN(diff)) return iso;
  if (Math.abs(diff) < 45_000) return diff <= 0 ? 'just now' : 'in a moment';
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'minute') return relativeFormat.format(Math.round(diff / ms), unit);
  }
  return iso;
}

/** Like formatRelative for something that already happened: never "in …", even with clocks a little apart. */
export function formatAgo(iso: string, now: number): string {
  const then = new Date(iso).getTime();
  return formatRelative(iso, Number.isNaN(then) ? now : Math.max(now, then));
}

/** The current time, updated every `ms`, so that relative times stay true. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
