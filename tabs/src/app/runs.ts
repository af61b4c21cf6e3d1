/** How runs, steps and tasks are named and coloured on every page. */
import type { BadgeProps } from '@fluentui/react-components';
import type { RunState, TaskGroup, TaskInfo, When } from '../api/offboarding';
import { RUN_STATE_LABEL, STEP_STATE_LABEL } from '../../../server/offboarding/contract';
import { formatInZone, zonedToInstant } from './zonedTime';

type BadgeLook = { label: string; color: NonNullable<BadgeProps['color']>; appearance: NonNullable<BadgeProps['appearance']> };

export const RUN_STATE: Record<RunState, BadgeLook> = {
  awaiting_approval: { label: RUN_STATE_LABEL.awaiting_approval, color: 'warning', appearance: 'filled' },
  scheduled: { label: RUN_STATE_LABEL.scheduled, color: 'brand', appearance: 'tint' },
  running: { label: RUN_STATE_LABEL.running, color: 'brand', appearance: 'filled' },
  succeeded: { label: RUN_STATE_LABEL.succeeded, color: 'success', appearance: 'filled' },
  failed: { label: RUN_STATE_LABEL.failed, color: 'danger', appearance: 'filled' },
  partially_failed: { label: RUN_STATE_LABEL.partially_failed, color: 'severe', appearance: 'filled' },
  cancelled: { label: RUN_STATE_LABEL.cancelled, color: 'informative', appearance: 'outline' },
  rejected: { label: RUN_STATE_LABEL.rejected, color: 'danger', appearance: 'outline' },
  undoing: { label: RUN_STATE_LABEL.undoing, color: 'brand', appearance: 'filled' },
  undone: { label: RUN_STATE_LABEL.undone, color: 'informative', appearance: 'filled' },
  partially_undone: { label: RUN_STATE_LABEL.partially_undone, color: 'warning', appearance: 'tint' },
};

/** A state from a newer server is shown as it comes. */
export const runStateOf = (state: string) =>
  (RUN_STATE as Record<string, BadgeLook>)[state] ?? ({ label: state.replace(/_/g, ' '), color: 'informative', appearance: 'outline' } satisfies BadgeLook);

export { STEP_STATE_LABEL };

export const TASK_GROUPS: { id: TaskGroup; label: string }[] = [
  { id: 'account', label: 'Account and sign-in' },
  { id: 'access', label: 'Groups and access' },
  { id: 'mail', label: 'Mail and calendar' },
  { id: 'files', label: 'Files' },
  { id: 'devices', label: 'Devices' },
  { id: 'wrap-up', label: 'Wrap-up' },
];

export const UNDO_LABEL: Record<TaskInfo['undo']['kind'], { label: string; color: NonNullable<BadgeProps['color']> }> = {
  full: { label: 'Can be undone', color: 'success' },
  partial: { label: 'Partly undoable', color: 'warning' },
  none: { label: 'Cannot be undone', color: 'danger' },
};

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Now", or "4 Dec 2026, 17:00 (Europe/London)". */
export function formatWhen(when: When): string {
  if (when.kind === 'now') return 'Now';
  const instant = zonedToInstant(when.at, when.timeZone);
  return instant === null ? `${when.at.replace('T', ' ')} (${when.timeZone})` : `${formatInZone(instant, when.timeZone)} (${when.timeZone})`;
}

/** An instant on the browser's clock, e.g. "4 Dec 2026, 17:00". */
export const formatInstant = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : localFormat.format(d);
};

/** "2 min 5 s", "850 ms": how long something took. */
export function formatDuration(fromIso: string | null, toIso: string | null, now = Date.now()): string | null {
  if (!fromIso) return null;
  const from = Date.parse(fromIso);
  const to = toIso ? Date.parse(toIso) : now;
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  const ms = Math.max(0, to - from);
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
