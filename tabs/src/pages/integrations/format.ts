/** How rules, deliveries and attempts are named and coloured on the Integrations page. */
import type { BadgeProps } from '@fluentui/react-components';
import type { ActionKind, DeliveryAttempt, DeliveryStatus } from '../../api/integrations';

type Look = { label: string; color: NonNullable<BadgeProps['color']> };

export const DELIVERY_STATUS: Record<DeliveryStatus, Look> = {
  pending: { label: 'Retrying', color: 'warning' },
  succeeded: { label: 'Delivered', color: 'success' },
  failed: { label: 'Failed', color: 'danger' },
};

/** A status from a newer server is shown as it comes. */
export const deliveryStatusOf = (status: string): Look => (DELIVERY_STATUS as Record<string, Look>)[status] ?? { label: status, color: 'informative' };

/** The short name of an action kind, for tight places ("Slack", "Signed webhook"). */
export const KIND_SHORT: Record<ActionKind, string> = {
  teams: 'Microsoft Teams',
  slack: 'Slack',
  jira: 'Jira',
  servicenow: 'ServiceNow',
  webhook: 'Signed webhook',
};

const thisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
const otherYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });

/** "4 Dec, 17:00:05" (with the year when it is not this one): deliveries and attempts happen seconds apart. */
export const formatMoment = (iso: string) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (d.getFullYear() === new Date().getFullYear() ? thisYear : otherYear).format(d);
};

/** "HTTP 200", or the reason no answer came. */
export function attemptOutcome(a: DeliveryAttempt): string {
  if (a.status !== null) return `HTTP ${a.status}${a.error ? ` · ${a.error}` : ''}`;
  return a.error ?? 'No answer';
}

export const attemptOk = (a: DeliveryAttempt) => a.status !== null && a.status >= 200 && a.status < 300;
