import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import {
  Badge,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Select,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
  type BadgeProps,
} from '@fluentui/react-components';
import {
  ArrowDownloadRegular,
  DismissRegular,
  HistoryRegular,
  InfoRegular,
  SearchRegular,
  ShieldCheckmarkRegular,
} from '@fluentui/react-icons';
import {
  auditExportUrl,
  listAudit,
  verifyAudit,
  type AuditEntry,
  type AuditFilters,
  type AuditOutcome,
  type AuditSource,
  type AuditVerification,
} from '../../api/audit';
import { downloadWithToken, linksCarryAuth } from '../../api/download';
import { useDebounced } from '../../app/hooks';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { roleLabel } from '../../app/permissions';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  filters: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL} ${tokens.spacingVerticalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
  },
  filtersHead: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', minHeight: '32px' },
  filterGrid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
    '@media (max-width: 720px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  fill: { width: '100%', minWidth: 0 },
  tableCard: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
    overflowX: 'auto',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
  },
  table: { minWidth: '820px' },
  stack: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  muted: { color: tokens.colorNeutralForeground3 },
  wrap: { overflowWrap: 'anywhere' },
  action: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  timeCol: { width: '130px' },
  sourceCol: { width: '80px' },
  outcomeCol: { width: '100px' },
  detailsCol: { width: '48px' },
  more: { display: 'flex', justifyContent: 'center', paddingBlock: tokens.spacingVerticalM },
  count: { color: tokens.colorNeutralForeground3, textAlign: 'center' },
  details: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, maxWidth: '420px' },
  pre: {
    margin: 0,
    maxHeight: '240px',
    overflow: 'auto',
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  dl: { display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: tokens.spacingHorizontalM, rowGap: '2px', margin: 0 },
  dd: { margin: 0, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

const SOURCES: { value: AuditSource; label: string }[] = [
  { value: 'tab', label: 'Tabs' },
  { value: 'bot', label: 'Bot' },
  { value: 'api', label: 'API' },
  { value: 'job', label: 'Job' },
];
const OUTCOME: Record<AuditOutcome, { label: string; color: BadgeProps['color'] }> = {
  success: { label: 'Success', color: 'success' },
  failure: { label: 'Failed', color: 'danger' },
  denied: { label: 'Denied', color: 'warning' },
};

interface FilterForm {
  action: string;
  actor: string;
  source: AuditSource | '';
  outcome: AuditOutcome | '';
  /** YYYY-MM-DD from the date inputs, local time. */
  from: string;
  to: string;
}
const NO_FILTERS: FilterForm = { action: '', actor: '', source: '', outcome: '', from: '', to: '' };

/** The form's values as the API's filters: dates become the start and end of those local days. */
function toQuery(form: FilterForm): AuditFilters {
  const day = (value: string, end: boolean) => {
    if (!value) return undefined;
    const date = new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  };
  return { action: form.action, actor: form.actor, source: form.source, outcome: form.outcome, from: day(form.from, false), to: day(form.to, true) };
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function EntryDetails({ entry }: { entry: AuditEntry }) {
  const styles = useStyles();
  const hasDetails = entry.details !== null && entry.details !== undefined && !(typeof entry.details === 'object' && Object.keys(entry.details).length === 0);
  return (
    <Popover withArrow positioning="before">
      <PopoverTrigger disableButtonEnhancement>
        <Button size="small" appearance="subtle" icon={<InfoRegular />} aria-label={`Details of entry ${entry.seq}`} data-testid="audit-details" />
      </PopoverTrigger>
      <PopoverSurface>
        <div className={styles.details}>
          <Text weight="semibold">Entry #{entry.seq}</Text>
          <dl className={styles.dl}>
            <dt>Time</dt>
            <dd className={styles.dd}>{entry.at}</dd>
            {entry.requestId && (
              <>
                <dt>Request id</dt>
                <dd className={styles.dd}>{entry.requestId}</dd>
              </>
            )}
            {entry.actor?.tid && (
              <>
                <dt>Tenant id</dt>
                <dd className={styles.dd}>{entry.actor.tid}</dd>
              </>
            )}
            {entry.actor?.oid && (
              <>
                <dt>Object id</dt>
                <dd className={styles.dd}>{entry.actor.oid}</dd>
              </>
            )}
            {entry.target && (
              <>
                <dt>Target id</dt>
                <dd className={styles.dd}>{entry.target.id}</dd>
              </>
            )}
          </dl>
          {hasDetails && <pre className={styles.pre}>{JSON.stringify(entry.details, null, 2)}</pre>}
        </div>
      </PopoverSurface>
    </Popover>
  );
}

type Rows = { status: 'loading' } | { status: 'ready'; entries: AuditEntry[]; nextBefore: number | null } | { status: 'error'; error: unknown };

/** /tabs/audit: the organisation's append-only audit trail, filterable, exportable and verifiable. */
export function AuditPage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const [form, setForm] = useState<FilterForm>(NO_FILTERS);
  const applied = useDebounced(form, 350);
  const query = useMemo(() => toQuery(applied), [applied]);
  const [rows, setRows] = useState<Rows>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<AuditVerification | { error: unknown } | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    setRows((r) => (r.status === 'ready' ? r : { status: 'loading' }));
    setMoreError(null);
    listAudit(orgId, query, null, PAGE_SIZE, { signal: controller.signal }).then(
      (page) => setRows({ status: 'ready', entries: page.entries, nextBefore: page.nextBefore }),
      (error: unknown) => {
        if (!controller.signal.aborted) setRows({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [orgId, query, attempt]);

  const loadMore = async () => {
    if (rows.status !== 'ready' || rows.nextBefore === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await listAudit(orgId, query, rows.nextBefore, PAGE_SIZE);
      setRows((r) => (r.status === 'ready' ? { status: 'ready', entries: [...r.entries, ...page.entries], nextBefore: page.nextBefore } : r));
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const verify = async () => {
    setVerifying(true);
    try {
      setVerification(await verifyAudit(orgId));
    } catch (error) {
      setVerification({ error });
    } finally {
      setVerifying(false);
    }
  };

  const exportHref = auditExportUrl(orgId, query);
  const onExport = (event: MouseEvent) => {
    if (linksCarryAuth()) return; // the cookie session goes with a plain link
    event.preventDefault();
    setExportError(null);
    downloadWithToken(exportHref, `offramp-audit-${new Date().toISOString().slice(0, 10)}.csv`).catch(setExportError);
  };

  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const filtered = Object.values(form).some(Boolean);

  return (
    <Page
      title="Audit"
      description={`An append-only record of every change Offramp makes in ${orgName} and who asked for it.`}
      actions={
        <>
          <Button
            icon={verifying ? <Spinner size="tiny" /> : <ShieldCheckmarkRegular />}
            disabled={verifying}
            onClick={() => void verify()}
            data-testid="audit-verify"
          >
            Verify chain
          </Button>
          {can('audit.export') && (
            <Button as="a" href={exportHref} download onClick={onExport} icon={<ArrowDownloadRegular />} data-testid="audit-export">
              Export CSV
            </Button>
          )}
        </>
      }
    >
      {verification &&
        ('error' in verification ? (
          <ErrorBar title="Couldn't verify the audit chain" error={verification.error} />
        ) : verification.ok ? (
          <MessageBar intent="success" data-testid="audit-verify-result" data-ok="true">
            <MessageBarBody>
              <MessageBarTitle>The audit chain is intact</MessageBarTitle>
              All {verification.entries} {verification.entries === 1 ? 'entry links' : 'entries link'} to the one before: none was changed or
              removed.
            </MessageBarBody>
          </MessageBar>
        ) : (
          <MessageBar intent="error" layout="multiline" data-testid="audit-verify-result" data-ok="false" data-seq={verification.brokenAt.seq}>
            <MessageBarBody>
              <MessageBarTitle>The audit chain is broken at entry #{verification.brokenAt.seq}</MessageBarTitle>
              {verification.brokenAt.reason}. Entries from #{verification.brokenAt.seq} on can't be trusted; {verification.entries} entries
              were checked.
            </MessageBarBody>
          </MessageBar>
        ))}
      {exportError !== null && <ErrorBar title="Couldn't export the audit log" error={exportError} />}

      <div className={styles.filters} role="search" aria-label="Filter the audit log" data-testid="audit-filters">
        <div className={styles.filtersHead}>
          <Subtitle2 as="h2">Filter entries</Subtitle2>
          {filtered && (
            <Button size="small" appearance="subtle" icon={<DismissRegular />} onClick={() => setForm(NO_FILTERS)} data-testid="audit-filter-clear">
              Clear filters
            </Button>
          )}
        </div>
        <div className={styles.filterGrid}>
        <Field label="Action">
          <Input
            value={form.action}
            placeholder="e.g. members.invite"
            contentBefore={<SearchRegular />}
            onChange={(_, d) => set('action', d.value)}
            className={styles.fill} data-testid="audit-filter-action"
          />
        </Field>
        <Field label="Who">
          <Input value={form.actor} placeholder="Name or email" onChange={(_, d) => set('actor', d.value)} className={styles.fill} data-testid="audit-filter-actor" />
        </Field>
        <Field label="Source">
          <Select value={form.source} onChange={(_, d) => set('source', d.value as FilterForm['source'])} className={styles.fill} data-testid="audit-filter-source">
            <option value="">Any source</option>
            {SOURCES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Outcome">
          <Select value={form.outcome} onChange={(_, d) => set('outcome', d.value as FilterForm['outcome'])} className={styles.fill} data-testid="audit-filter-outcome">
            <option value="">Any outcome</option>
            {(Object.keys(OUTCOME) as AuditOutcome[]).map((o) => (
              <option key={o} value={o}>
                {OUTCOME[o].label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="From">
          <Input type="date" value={form.from} max={form.to || undefined} onChange={(_, d) => set('from', d.value)} className={styles.fill} data-testid="audit-filter-from" />
        </Field>
        <Field label="To">
          <Input type="date" value={form.to} min={form.from || undefined} onChange={(_, d) => set('to', d.value)} className={styles.fill} data-testid="audit-filter-to" />
        </Field>
        </div>
      </div>

      {rows.status === 'loading' && <LoadingState label="Loading the audit log…" />}
      {rows.status === 'error' && (
        <ErrorBar title="Couldn't load the audit log" error={rows.error} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {rows.status === 'ready' && rows.entries.length === 0 && (
        <EmptyState
          icon={<HistoryRegular />}
          title={filtered ? 'No entries match these filters' : 'No audit entries yet'}
          actions={
            filtered ? (
              <Button appearance="primary" onClick={() => setForm(NO_FILTERS)}>
                Clear filters
              </Button>
            ) : undefined
          }
        >
          {filtered
            ? 'Try a wider date range, or fewer filters.'
            : 'Every change made in Offramp lands here: who did it, from where, and whether it worked.'}
        </EmptyState>
      )}
      {rows.status === 'ready' && rows.entries.length > 0 && (
        <div className={styles.tableCard}>
          <Table aria-label="Audit entries, newest first" className={styles.table} size="small" data-testid="audit-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.timeCol}>Time</TableHeaderCell>
                <TableHeaderCell>Who</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
                <TableHeaderCell>Target</TableHeaderCell>
                <TableHeaderCell className={styles.sourceCol}>Source</TableHeaderCell>
                <TableHeaderCell className={styles.outcomeCol}>Outcome</TableHeaderCell>
                <TableHeaderCell className={styles.detailsCol}>
                  <span className={styles.muted}>Details</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.entries.map((e) => {
                const outcome = OUTCOME[e.outcome] ?? { label: e.outcome, color: 'informative' as const };
                return (
                  <TableRow key={e.seq} data-testid="audit-row" data-seq={e.seq} data-action={e.action} data-outcome={e.outcome}>
                    <TableCell>
                      <time dateTime={e.at} title={e.at} className={styles.stack}>
                        <Text size={200}>{dateFormat.format(new Date(e.at))}</Text>
                        <Caption1 className={styles.muted}>{clockFormat.format(new Date(e.at))}</Caption1>
                      </time>
                    </TableCell>
                    <TableCell>
                      <div className={styles.stack}>
                        <Text className={styles.wrap}>{e.actor?.name ?? 'Offramp'}</Text>
                        <Caption1 className={styles.muted}>{e.actor ? (e.actor.role ? roleLabel(e.actor.role) : 'No role') : 'System'}</Caption1>
                      </div>
                    </TableCell>
                    <TableCell>
                      <span className={styles.action}>{e.action}</span>
                    </TableCell>
                    <TableCell>
                      {e.target ? (
                        <div className={styles.stack}>
                          <Text className={styles.wrap}>{e.target.label ?? e.target.id}</Text>
                          <Caption1 className={styles.muted}>{e.target.type}</Caption1>
                        </div>
                      ) : (
                        <Caption1 className={styles.muted}>—</Caption1>
                      )}
                    </TableCell>
                    <TableCell>
                      <Badge appearance="outline" color="informative" shape="rounded">
                        {SOURCES.find((s) => s.value === e.source)?.label ?? e.source}
                      </Badge>
                    </TableCell>
                    <TableCell>
                      <Badge appearance="tint" color={outcome.color} data-testid="audit-outcome">
                        {outcome.label}
                      </Badge>
                    </TableCell>
                    <TableCell>
                      <EntryDetails entry={e} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          {moreError !== null && <ErrorBar title="Couldn't load more entries" error={moreError} onRetry={() => void loadMore()} retrying={loadingMore} />}
          <div className={styles.more}>
            {rows.nextBefore !== null ? (
              <Button onClick={() => void loadMore()} disabled={loadingMore} icon={loadingMore ? <Spinner size="tiny" /> : undefined} data-testid="audit-load-more">
                {loadingMore ? 'Loading…' : 'Load more'}
              </Button>
            ) : (
              <Caption1 className={styles.count} data-testid="audit-end">
                {rows.entries.length} {rows.entries.length === 1 ? 'entry' : 'entries'}
                {filtered ? ' match' : ''} · nothing older
              </Caption1>
            )}
          </div>
        </div>
      )}
    </Page>
  );
}

