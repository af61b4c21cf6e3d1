import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Subtitle2,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkCircleFilled, OpenRegular } from '@fluentui/react-icons';
import {
  cancelSubscription,
  changePlan,
  getBilling,
  listInvoices,
  openPortal,
  startCheckout,
  type BillingOverview,
  type Interval,
  type Invoice,
  type Plan,
} from '../../api/billing';
import { useCurrentOrg } from '../../app/OrgProvider';
import { formatInstant } from '../../app/runs';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { ConfirmDialog } from '../offboardings/RunDialogs';
import { DataRightsCard } from './DataRightsCard';

const useStyles = makeStyles({
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    minWidth: 0,
  },
  summary: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', columnGap: tokens.spacingHorizontalXXL, rowGap: tokens.spacingVerticalL, '@media (max-width: 720px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  planLine: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  meter: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  meterHead: { display: 'flex', justifyContent: 'space-between' },
  plans: { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalM, '@media (max-width: 860px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  plan: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
  },
  current: { border: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}` },
  price: { display: 'flex', alignItems: 'baseline', columnGap: tokens.spacingHorizontalXS },
  features: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground2, flexGrow: 1 },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

const money = (cents: number, currency = 'usd') => new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase(), maximumFractionDigits: cents % 100 ? 2 : 0 }).format(cents / 100);

const STATUS: Record<BillingOverview['status'], { label: string; color: 'success' | 'warning' | 'danger' | 'informative' }> = {
  trialing: { label: 'Trial', color: 'informative' },
  trial_ended: { label: 'Trial ended', color: 'danger' },
  active: { label: 'Active', color: 'success' },
  past_due: { label: 'Payment overdue', color: 'warning' },
  canceled: { label: 'Cancelled', color: 'danger' },
};

function Meter({ label, used, limit, testId }: { label: string; used: number; limit: number | null; testId: string }) {
  const styles = useStyles();
  const over = limit !== null && used > limit;
  return (
    <div className={styles.meter} data-testid={testId} data-used={used} data-limit={limit ?? 'unlimited'}>
      <div className={styles.meterHead}>
        <Text>{label}</Text>
        <Text weight="semibold">
          {used} of {limit ?? 'unlimited'}
        </Text>
      </div>
      <ProgressBar value={limit ? Math.min(1, used / limit) : 0} color={over ? 'error' : limit && used / limit > 0.9 ? 'warning' : 'brand'} thickness="large" aria-label={`${label}: ${used} of ${limit ?? 'unlimited'}`} />
    </div>
  );
}

/** /tabs/billing (Owner): the plan and trial, usage against the limits, plans to choose, Stripe's portal, invoices and data rights. */
export function BillingPage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const [params] = useSearchParams();
  const [data, setData] = useState<{ overview: BillingOverview; invoices: Invoice[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [interval, setInterval] = useState<Interval>('month');
  const [busy, setBusy] = useState<string | null>(null);
  const [switching, setSwitching] = useState<Plan | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([getBilling(orgId, { signal: controller.signal }), listInvoices(orgId, { signal: controller.signal })]).then(
      ([overview, invoices]) => {
        setData({ overview, invoices });
        setError(null);
        if (overview.hasSubscription) setInterval(overview.interval);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => controller.abort();
  }, [orgId, attempt]);

  // Back from Checkout: Stripe's webhook may land a moment after the redirect.
  const returned = params.get('checkout');
  useEffect(() => {
    if (returned !== 'done' || !data || data.overview.hasSubscription) return;
    const timer = setTimeout(reload, 1500);
    return () => clearTimeout(timer);
  }, [returned, data, reload]);

  const go = async (key: string, f: () => Promise<{ url: string }>) => {
    setBusy(key);
    setActionError(null);
    try {
      window.location.assign((await f()).url);
    } catch (err) {
      setActionError(err);
      setBusy(null);
    }
  };

  if (error !== null) return <Page title="Billing"><ErrorBar title="Couldn't load billing" error={error} onRetry={reload} /></Page>;
  if (!data) return <Page title="Billing"><LoadingState label="Loading billing…" /></Page>;
  const o = data.overview;
  const current = o.plans.find((p) => p.id === o.plan)!;
  const status = STATUS[o.status];

  return (
    <Page title="Billing" description={`The plan of ${orgName}, what it allows, and your invoices. Team members are never charged per seat.`}>
      {returned === 'done' && (
        <MessageBar intent={o.hasSubscription ? 'success' : 'info'} data-testid="billing-returned">
          <MessageBarBody>{o.hasSubscription ? `Thank you: ${orgName} is on ${current.name}.` : 'Payment received: confirming with Stripe…'}</MessageBarBody>
        </MessageBar>
      )}
      {o.message && (
        <MessageBar intent={o.readOnly ? 'error' : 'warning'} data-testid="billing-message">
          <MessageBarBody>{o.message}</MessageBarBody>
        </MessageBar>
      )}
      {actionError !== null && <ErrorBar error={actionError} />}

      <section className={styles.card} aria-label="Your plan" data-testid="billing-summary" data-status={o.status} data-plan={o.plan}>
        <div className={styles.summary}>
          <div className={styles.meter}>
            <div className={styles.planLine}>
              <Title3 as="h2">{current.name}</Title3>
              <Badge appearance="tint" color={status.color} data-testid="billing-status">
                {status.label}
              </Badge>
            </div>
            <Body1 className={styles.muted} data-testid="billing-period">
              {o.status === 'trialing'
                ? `${o.trialDaysLeft} day(s) left in your trial (Business limits), until ${formatInstant(o.trialEndsAt!)}.`
                : o.status === 'trial_ended'
                  ? 'Your trial has ended: choose a plan below.'
                  : o.hasSubscription && o.currentPeriodEnd
                    ? `${money(current.price[o.interval])} per ${o.interval}; ${o.cancelAtPeriodEnd ? 'ends' : 'renews'} on ${formatInstant(o.currentPeriodEnd)}.`
                    : 'No subscription.'}
            </Body1>
            {o.hasSubscription && (
              <div className={styles.actions}>
                <Button icon={<OpenRegular />} disabled={busy !== null} onClick={() => void go('portal', () => openPortal(orgId))} data-testid="billing-portal">
                  Payment method and invoices
                </Button>
                {!o.cancelAtPeriodEnd && (
                  <Button appearance="subtle" disabled={busy !== null} onClick={() => setCancelling(true)} data-testid="billing-cancel">
                    Cancel subscription
                  </Button>
                )}
              </div>
            )}
          </div>
          <div className={styles.meter}>
            <Meter label="Employees synced" used={o.usage.employees} limit={o.limits.employees} testId="billing-usage-employees" />
            <Meter label="Tenants connected" used={o.usage.tenants} limit={o.limits.tenants} testId="billing-usage-tenants" />
          </div>
        </div>
      </section>

      <section className={styles.card} aria-label="Plans" data-testid="billing-plans">
        <div className={styles.head}>
          <Subtitle2 as="h2">{o.hasSubscription ? 'Change plan' : 'Choose a plan'}</Subtitle2>
          <TabList selectedValue={interval} onTabSelect={(_, d) => setInterval(d.value as Interval)} size="small" data-testid="billing-interval">
            <Tab value="month">Monthly</Tab>
            <Tab value="year">Yearly (2 months free)</Tab>
          </TabList>
        </div>
        <div className={styles.plans}>
          {o.plans.map((p) => {
            const isCurrent = o.hasSubscription && p.id === o.plan && o.interval === interval;
            return (
              <div key={p.id} className={mergeClasses(styles.plan, isCurrent && styles.current)} data-testid="billing-plan" data-plan={p.id}>
                <Subtitle2>{p.name}</Subtitle2>
                <div className={styles.price}>
                  <Title3>{money(p.price[interval])}</Title3>
                  <Caption1 className={styles.muted}>per {interval}</Caption1>
                </div>
                <ul className={styles.features}>
                  <li>{p.employees === null ? 'Unlimited employees' : `Up to ${p.employees} employees`}</li>
                  <li>{p.tenants === 1 ? '1 Microsoft 365 tenant' : `Up to ${p.tenants} tenants`}</li>
                  <li>Every task, the bot, integrations and reports</li>
                </ul>
                {isCurrent ? (
                  <Text className={styles.muted} data-testid="billing-current">
                    <CheckmarkCircleFilled /> Current plan
                  </Text>
                ) : o.hasSubscription ? (
                  <Button disabled={busy !== null} onClick={() => setSwitching(p)} data-testid="billing-switch">
                    Switch to {p.name}
                  </Button>
                ) : (
                  <Button appearance="primary" disabled={busy !== null} onClick={() => void go(p.id, () => startCheckout(orgId, p.id, interval))} data-testid="billing-choose">
                    Choose {p.name}
                  </Button>
                )}
              </div>
            );
          })}
        </div>
      </section>

      <section className={styles.card} aria-label="Invoices" data-testid="billing-invoices">
        <Subtitle2 as="h2">Invoices</Subtitle2>
        {data.invoices.length === 0 ? (
          <Text className={styles.muted}>No invoices yet. They appear here once you subscribe.</Text>
        ) : (
          <Table size="small" aria-label="Invoices, newest first">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Invoice</TableHeaderCell>
                <TableHeaderCell>Date</TableHeaderCell>
                <TableHeaderCell>Amount</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell />
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.invoices.map((i) => (
                <TableRow key={i.id} data-testid="invoice-row">
                  <TableCell>{i.number ?? i.id}</TableCell>
                  <TableCell>{formatInstant(i.createdAt)}</TableCell>
                  <TableCell>{money(i.amount, i.currency)}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={i.status === 'paid' ? 'success' : 'warning'}>
                      {i.status}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {i.pdfUrl && (
                      <Link href={i.pdfUrl} target="_blank" rel="noopener" data-testid="invoice-pdf">
                        PDF
                      </Link>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>

      <DataRightsCard />

      <ConfirmDialog
        open={switching !== null}
        onClose={() => setSwitching(null)}
        title={`Switch to ${switching?.name ?? ''}?`}
        confirmLabel={`Switch to ${switching?.name ?? ''}`}
        testId="billing-switch"
        onConfirm={async () => {
          await changePlan(orgId, switching!.id, interval);
          reload();
        }}
      >
        <Text>
          {switching ? `${money(switching.price[interval])} per ${interval}. Stripe prorates the change: you pay (or are credited) the difference for the rest of this period.` : ''}
        </Text>
      </ConfirmDialog>
      <ConfirmDialog
        open={cancelling}
        onClose={() => setCancelling(false)}
        title="Cancel the subscription?"
        confirmLabel="Cancel subscription"
        testId="billing-cancel"
        onConfirm={async () => {
          await cancelSubscription(orgId);
          reload();
        }}
      >
        <Text>
          {orgName} keeps {current.name} until {o.currentPeriodEnd ? formatInstant(o.currentPeriodEnd) : 'the end of the period'}, then becomes read-only. Your data is kept until you ask for its deletion below.
        </Text>
      </ConfirmDialog>
    </Page>
  );
}
