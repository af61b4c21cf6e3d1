import { useEffect, useState } from 'react';
import { Button, MessageBar, MessageBarActions, MessageBarBody } from '@fluentui/react-components';
import { useLocation, useNavigate } from 'react-router';
import { getStanding, type BillingStanding } from '../api/billing';
import { useOrg } from '../app/OrgProvider';

/** How often the standing is read again while the page is open. */
const REFRESH_MS = 5 * 60_000;

/**
 * The organisation's billing standing, above every page, for every member: a trial about to end,
 * a payment overdue, read-only. The Owner gets a button to Billing.
 */
export function StandingBanner({ className }: { className?: string }) {
  const { current, can } = useOrg();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const orgId = current?.orgId ?? null;
  const [standing, setStanding] = useState<BillingStanding | null>(null);
  useEffect(() => {
    setStanding(null);
    if (!orgId) return;
    const controller = new AbortController();
    const load = () => getStanding(orgId, { signal: controller.signal }).then(setStanding, () => undefined);
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [orgId]);
  // The Billing page says it itself.
  if (!standing?.message || pathname.startsWith('/billing')) return null;
  return (
    <div className={className}>
    <MessageBar intent={standing.readOnly ? 'error' : 'warning'} data-testid="standing-banner" data-read-only={standing.readOnly}>
      <MessageBarBody>{standing.message}</MessageBarBody>
      {can('billing.manage') && (
        <MessageBarActions>
          <Button size="small" onClick={() => navigate('/billing')}>
            Go to Billing
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
    </div>
  );
}
