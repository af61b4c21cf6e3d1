import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import {
  Button,
  Caption1,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Select,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ChevronLeftRegular, ChevronRightRegular, ClipboardTaskListLtrRegular, DismissRegular, SearchRegular } from '@fluentui/react-icons';
import { listRuns, RUN_STATES, type BulkResult, type RunFilters, type RunList, type RunState, type RunSummary } from '../../api/offboarding';
import { useDebounced } from '../../app/hooks';
import { useAppLink } from '../../app/links';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { RUN_STATE, formatInstant, formatWhen } from '../../app/runs';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { RunStateBadge } from '../../components/RunStateBadge';
import type { BulkNavigationState } from '../new/NewOffboardingPage';

const PAGE_SIZE = 25;
/** While a run on the page is running, the list is fetched again this often. */
const POLL_MS = 5000;
const ACTIVE: RunState[] = ['running', 'undoing'];

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
    gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 2fr) minmax(0, 1fr) minmax(0, 1fr)',
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
  table: { minWidth: '900px' },
  row: { cursor: 'pointer' },
  stack: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  muted: { color: tokens.colorNeutralForeground3 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  stateCol: { width: '150px' },
  progressCol: { width: '170px' },
  progress: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  failed: { color: tokens.colorPaletteRedForeground1 },
  pager: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, paddingBlock: tokens.spacingVerticalS },
  pagerButtons: { display: 'flex', columnGap: tokens.spacingHorizontalS },
  bulk: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  errors: { minWidth: '480px' },
  lineCol: { width: '70px' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

interface FilterForm {
  state: RunState | '';
  search: string;
  /** YYYY-MM-DD, local days. */
  from: string;
  to: string;
}
const NO_FILTERS: FilterForm = { state: '', search: '', from: '', to: '' };

function formFrom(params: URLSearchParams): FilterForm {
  const state = params.get('state') ?? '';
  return {
    state: (RUN_STATES as readonly string[]).includes(state) ? (state as RunState) : '',
    search: params.get('search') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

/** The form as the API's filters: dates become the start and end of those local days. */
function toQuery(form: FilterForm, bulkId: string | null): RunFilters {
  const day = (value: string, end: boolean) => {
    if (!value) return undefined;
    const date = new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  };
  return { state: form.state, search: form.search, from: day(form.from, false), to: day(form.to, true), bulkId: bulkId ?? undefined };
}

function Progress({ run }: { run: RunSummary }) {
  const styles = useStyles();
  const { total, succeeded, failed, skipped } = run.counts;
  const done = succeeded + failed + skipped;
  return (
    <div className={styles.progress} data-testid="run-progress" data-done={done} data-total={total}>
      <ProgressBar
        value={total ? done / total : 0}
        color={failed > 0 ? 'error' : succeeded === total && total > 0 ? 'success' : 'brand'}
        thickness="medium"
        aria-label={`${done} of ${total} steps finished`}
      />
      <Caption1 className={styles.muted}>
        {succeeded}/{total} done
        {failed > 0 && <span className={styles.failed}> · {failed} failed</span>}
        {skipped > 0 && ` · ${skipped} skipped`}
      </Caption1>
    </div>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const styles = useStyles();
  const link = useAppLink(`/offboardings/${encodeURIComponent(run.id)}`);
  const navigate = useNavigate();
  return (
    <TableRow
      className={styles.row}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('a')) return;
        navigate(`/offboardings/${encodeURIComponent(run.id)}`);
      }}
      data-testid="run-row"
      data-run-id={run.id}
      data-state={run.state}
    >
      <TableCell>
        <div className={styles.stack}>
          <Link {...link} className={styles.ellipsis}>
            {run.person.displayName}
          </Link>
          <Caption1 className={mergeClasses(styles.muted, styles.ellipsis)} title={run.person.userPrincipalName}>
            {run.person.userPrincipalName}
          </Caption1>
        </div>
      </TableCell>
      <TableCell>
        <div className={styles.stack}>
          <Text size={200}>{run.tenant.displayName}</Text>
          <Caption1 className={mergeClasses(styles.muted, styles.ellipsis)}>{run.tenant.defaultDomain}</Caption1>
        </div>
      </TableCell>
      <TableCell>
        <RunStateBadge state={run.state} />
      </TableCell>
      <TableCell>
        <div className={styles.stack}>
          <Text size={200}>{run.startedAt ? formatInstant(run.startedAt) : run.scheduledAt ? formatInstant(run.scheduledAt) : formatWhen(run.when)}</Text>
          <Caption1 className={styles.muted}>
            {run.finishedAt
              ? `Finished ${formatInstant(run.finishedAt)}`
              : run.startedAt
                ? 'Started'
                : run.when.kind === 'at'
                  ? `Scheduled · ${run.when.timeZone}`
                  : run.state === 'awaiting_approval'
                    ? 'As soon as approved'
                    : 'Now'}
          </Caption1>
        </div>
      </TableCell>
      <TableCell>
        <div className={styles.stack}>
          <Text size={200}>{run.requestedBy.name}</Text>
          <Caption1 className={styles.muted}>{formatInstant(run.createdAt)}</Caption1>
        </div>
      </TableCell>
      <TableCell>
        <Progress run={run} />
      </TableCell>
    </TableRow>
  );
}

function BulkOutcome({ result, onDismiss }: { result: BulkResult; onDismiss: () => void }) {
  const styles = useStyles();
  const created = result.runs.length;
  const failed = result.errors.length;
  return (
    <div className={styles.bulk} data-testid="bulk-result" data-created={created} data-errors={failed}>
      <MessageBar intent={failed === 0 ? 'success' : created === 0 ? 'error' : 'warning'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>
            {created === 1 ? '1 offboarding created' : `${created} offboardings created`}
            {failed > 0 ? `; ${failed === 1 ? '1 person' : `${failed} people`} could not be offboarded` : ''}
          </MessageBarTitle>
          {created > 0 ? 'The list below shows the offboardings of this bulk request.' : 'Nothing was created: fix the rows below and try again.'}
        </MessageBarBody>
        <MessageBarActions
          containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={onDismiss} />}
        />
      </MessageBar>
      {failed > 0 && (
        <div className={styles.tableCard}>
          <Table aria-label="People who could not be offboarded" size="small" className={styles.errors} data-testid="bulk-errors">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.lineCol}>Row</TableHeaderCell>
                <TableHeaderCell>Person</TableHeaderCell>
                <TableHeaderCell>Why</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {result.errors.map((e) => (
                <TableRow key={`${e.line}-${e.value}`} data-testid="bulk-error" data-line={e.line}>
                  <TableCell>{e.line}</TableCell>
                  <TableCell>
                    <span className={styles.mono}>{e.value || '—'}</span>
                  </TableCell>
                  <TableCell>
                    <Text size={200} className={styles.failed}>
                      {e.message}
                    </Text>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}

type Rows = { status: 'loading' } | { status: 'ready'; list: RunList } | { status: 'error'; error: unknown };

/** /tabs/offboardings: every offboarding run, filterable, with live progress. */
export function OffboardingsPage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const newLink = useAppLink('/new');
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const bulkId = params.get('bulk');
  const bulkResult = (location.state as Partial<BulkNavigationState> | null)?.bulk;
  const [bulkShown, setBulkShown] = useState(true);

  const [form, setForm] = useState<FilterForm>(() => formFrom(params));
  const [page, setPage] = useState(() => Math.max(0, Number(params.get('page') ?? 0) || 0));
  const applied = useDebounced(form, 350);
  const query = useMemo(() => toQuery(applied, bulkId), [applied, bulkId]);
  const [rows, setRows] = useState<Rows>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // The filters live in the address too: coming back from a run keeps them, and links can set them.
  useEffect(() => {
    setParams(
      (prev) => {
        const next = new URLSearchParams();
        for (const [key, value] of Object.entries(applied)) if (value) next.set(key, value);
        if (page > 0) next.set('page', String(page));
        const bulk = prev.get('bulk');
        if (bulk) next.set('bulk', bulk);
        return next.toString() === prev.toString() ? prev : next;
      },
      { replace: true, state: location.state },
    );
    // location.state (a bulk result) is carried along; it is not a reason to write the address again.
  }, [applied, page, setParams]);

  const fetchPage = useCallback(
    (signal?: AbortSignal) =>
      listRuns(orgId, query, { limit: PAGE_SIZE, offset: page * PAGE_SIZE }, { signal }).then((list) => {
        // Only this bulk request's runs, even from a server that does not filter by bulk.
        const runs = query.bulkId ? list.runs.filter((r) => r.bulkId === query.bulkId) : list.runs;
        return { ...list, runs };
      }),
    [orgId, query, page],
  );

  useEffect(() => {
    const controller = new AbortController();
    setRows((r) => (r.status === 'ready' ? r : { status: 'loading' }));
    fetchPage(controller.signal).then(
      (list) => setRows({ status: 'ready', list }),
      (error: unknown) => {
        if (!controller.signal.aborted) setRows({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [fetchPage, attempt]);

  // Live progress while a run on the page is running.
  const active = rows.status === 'ready' && rows.list.runs.some((r) => ACTIVE.includes(r.state));
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      fetchPage(controller.signal).then(
        (list) => setRows({ status: 'ready', list }),
        () => undefined, // the next tick tries again
      );
    }, POLL_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [active, fetchPage]);

  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setPage(0);
  };
  const clearFilters = () => {
    setForm(NO_FILTERS);
    setPage(0);
  };
  const clearBulk = () => {
    setBulkShown(false);
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.delete('bulk');
        return next;
      },
      { replace: true },
    );
  };
  const filtered = Object.values(form).some(Boolean);

  const total = rows.status === 'ready' ? rows.list.total : 0;
  const shown = rows.status === 'ready' ? rows.list.runs : [];
  const first = page * PAGE_SIZE + 1;
  const last = page * PAGE_SIZE + shown.length;
  const hasNext = rows.status === 'ready' && (page + 1) * PAGE_SIZE < total;

  return (
    <Page
      title="Offboardings"
      description={`Every offboarding run in ${orgName}: waiting for approval, scheduled, running and finished.`}
      actions={
        can('offboarding.trigger') ? (
          <Button appearance="primary" as="a" icon={<AddRegular />} {...newLink} data-testid="runs-new">
            New offboarding
          </Button>
        ) : undefined
      }
    >
      {bulkId && bulkResult && bulkResult.bulkId === bulkId && bulkShown && <BulkOutcome result={bulkResult} onDismiss={() => setBulkShown(false)} />}
      {bulkId && (
        <MessageBar intent="info" data-testid="runs-bulk-filter" data-bulk-id={bulkId}>
          <MessageBarBody>Showing the offboardings of one bulk request.</MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={clearBulk} data-testid="runs-bulk-clear">
              Show all offboardings
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}

      <div className={styles.filters} role="search" aria-label="Filter the offboardings" data-testid="runs-filters">
        <div className={styles.filtersHead}>
          <Subtitle2 as="h2">Filter offboardings</Subtitle2>
          {filtered && (
            <Button size="small" appearance="subtle" icon={<DismissRegular />} onClick={clearFilters} data-testid="runs-filter-clear">
              Clear filters
            </Button>
          )}
        </div>
        <div className={styles.filterGrid}>
          <Field label="State">
            <Select value={form.state} onChange={(_, d) => set('state', d.value as FilterForm['state'])} className={styles.fill} data-testid="runs-filter-state">
              <option value="">Any state</option>
              {RUN_STATES.map((s) => (
                <option key={s} value={s}>
                  {RUN_STATE[s].label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Person">
            <Input
              value={form.search}
              placeholder="Name or user principal name"
              contentBefore={<SearchRegular />}
              onChange={(_, d) => set('search', d.value)}
              className={styles.fill}
              data-testid="runs-filter-search"
            />
          </Field>
          <Field label="From">
            <Input type="date" value={form.from} max={form.to || undefined} onChange={(_, d) => set('from', d.value)} className={styles.fill} data-testid="runs-filter-from" />
          </Field>
          <Field label="To">
            <Input type="date" value={form.to} min={form.from || undefined} onChange={(_, d) => set('to', d.value)} className={styles.fill} data-testid="runs-filter-to" />
          </Field>
        </div>
      </div>

      {rows.status === 'loading' && <LoadingState label="Loading the offboardings…" />}
      {rows.status === 'error' && <ErrorBar title="Couldn't load the offboardings" error={rows.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {rows.status === 'ready' && shown.length === 0 && (
        <EmptyState
          icon={<ClipboardTaskListLtrRegular />}
          title={filtered || bulkId ? 'No offboardings match' : 'No offboardings yet'}
          actions={
            filtered ? (
              <Button appearance="primary" onClick={clearFilters}>
                Clear filters
              </Button>
            ) : can('offboarding.trigger') && !bulkId ? (
              <Button appearance="primary" as="a" icon={<AddRegular />} {...newLink}>
                New offboarding
              </Button>
            ) : undefined
          }
        >
          {filtered || bulkId
            ? page > 0
              ? 'There is nothing on this page: go back a page, or widen the filters.'
              : 'Try another state, a wider date range, or fewer filters.'
            : 'Each offboarding run lands here: who asked for it, who approved it, when it runs and how each step went.'}
        </EmptyState>
      )}
      {rows.status === 'ready' && (shown.length > 0 || page > 0) && (
        <div className={styles.tableCard}>
          {shown.length > 0 && (
            <Table aria-label="Offboardings, newest first" className={styles.table} size="small" data-testid="runs-table">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Person</TableHeaderCell>
                  <TableHeaderCell>Tenant</TableHeaderCell>
                  <TableHeaderCell className={styles.stateCol}>State</TableHeaderCell>
                  <TableHeaderCell>When</TableHeaderCell>
                  <TableHeaderCell>Requested by</TableHeaderCell>
                  <TableHeaderCell className={styles.progressCol}>Progress</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {shown.map((r) => (
                  <RunRow key={r.id} run={r} />
                ))}
              </TableBody>
            </Table>
          )}
          <div className={styles.pager}>
            <Caption1 className={styles.muted} data-testid="runs-count">
              {shown.length > 0 ? `${first}–${last} of ${total}` : `Nothing on page ${page + 1}`}
            </Caption1>
            <div className={styles.pagerButtons}>
              <Button icon={<ChevronLeftRegular />} disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))} data-testid="runs-prev">
                Previous
              </Button>
              <Button icon={<ChevronRightRegular />} iconPosition="after" disabled={!hasNext} onClick={() => setPage((p) => p + 1)} data-testid="runs-next">
                Next
              </Button>
            </div>
          </div>
        </div>
      )}
    </Page>
  );
}
