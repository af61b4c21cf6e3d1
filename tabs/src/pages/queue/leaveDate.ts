/** How a leave date is shown: the date, how far it is, and its tone (past: red; within a week: amber). */
export type LeaveTone = 'past' | 'soon' | 'later' | 'none';

export function leaveTone(daysToLeave: number | null): LeaveTone {
  if (daysToLeave === null) return 'none';
  if (daysToLeave < 0) return 'past';
  if (daysToLeave <= 7) return 'soon';
  return 'later';
}

export function leaveRelative(daysToLeave: number | null): string {
  if (daysToLeave === null) return 'No leave date';
  if (daysToLeave === 0) return 'Today';
  if (daysToLeave === 1) return 'Tomorrow';
  if (daysToLeave === -1) return 'Yesterday';
  if (daysToLeave > 0) return `In ${daysToLeave} days`;
  const ago = -daysToLeave;
  if (ago < 60) return `${ago} days ago`;
  const months = Math.round(ago / 30);
  return `${months} months ago`;
}

/** A date (no time) as people read it, in UTC: leave dates are days, not instants. */
export const formatDay = (iso: string | null) =>
  iso ? new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }) : '—';

export const formatMoney = (cents: number | null, currency: string) =>
  cents === null ? '—' : new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100) + ' / month';
