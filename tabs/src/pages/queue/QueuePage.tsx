import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import {
  Badge,
  Button,
  Caption1,
  Field,
  Link,
  MessageBar,
  MessageBarBody,
  Select,
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
import { ArrowUploadRegular, CheckmarkCircleRegular, PeopleQueueRegular } from '@fluentui/react-icons';
import { completeOffboarding, getQueue, QUEUE_WINDOWS, setQueueWindow, type QueueResult, type QueueRow, type QueueWindow } from '../../api/assets';
import type { RunState } from '../../api/offboarding';
import { useAppLink } from '../../app/links';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { RunStateBadge } from '../../components/RunStateBadge';
import { ConfirmDialog } from '../offboardings/RunDialogs';
import { ImportDialog } from './ImportDialog';
import { formatDay, leaveRelative, leaveTone } from './leaveDate';

const useStyles = makeStyles({
  toolbar: {
    display: 'flex',
    alignItems: 'flex-end',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
  },
  window: { minWidth: '200px' },
  tableCard: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
    overflowX: 'auto',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
  },
  table: { minWidth: '960px' },
  stack: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  muted: { color: tokens.colorNeutralForeground3 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  past: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  soon: { color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: tokens.fontWeightSemibold },
  count: { fontVariantNumeric: 'tabular-nums' },
  zero: { color: tokens.colorNeutralForeground4 },
  countCol: { width: '84px', textAlign: 'center' },
  actionCol: { width: '130px' },
  net: { marginTop: '2px', whiteSpace: 'nowrap', alignSelf: 'flex-start' },
  personCol: { width: '250px' },
});

type Load = { status: 'loading' } | { status: 'ready'; queue: QueueResult } | { status: 'error'; error: unknown };

function Count({ n, label }: { n: number; label: string }) {
  const styles = useStyles();
  return (
    <Text className={mergeClasses(styles.count, n === 0 && styles.zero)} aria-label={`${n} ${label}`}>
      {n}
    </Text>
  );
}

function QueueLine({ row, canManage, onFinalize }: { row: QueueRow; canManage: boolean; onFinalize: (row: QueueRow) => void }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const to = `/people/${encodeURIComponent(row.employeeId)}`;
  const link = useAppLink(to);
  const managerLink = useAppLink(row.manager?.employeeId ? `/people/${encodeURIComponent(row.manager.employeeId)}` : to);
  const open = row.open.hardware + row.open.seats + row.open.requests;
  const tone = leaveTone(row.daysToLeave);
  return (
    <TableRow data-testid="queue-row" data-employee-id={row.employeeId} data-open={open} data-safety-net={row.safetyNet}>
      <TableCell>
        <div className={styles.stack}>
          <Link {...link} className={styles.ellipsis} data-testid="queue-person">
            {row.displayName}
          </Link>
          <Caption1 className={mergeClasses(styles.muted, styles.ellipsis)}>{[row.jobTitle, row.department].filter(Boolean).join(' · ') || row.userPrincipalName}</Caption1>
          {row.safetyNet && (
            <Badge className={styles.net} appearance="tint" color="danger" size="small" data-testid="queue-safety-net">
              Offboarded · still holds hardware
            </Badge>
          )}
        </div>
      </TableCell>
      <TableCell>
        <div className={styles.stack} data-testid="queue-leave" data-tone={tone}>
          <Text size={200}>{formatDay(row.leaveDate)}</Text>
          <Caption1 className={tone === 'past' ? styles.past : tone === 'soon' ? styles.soon : styles.muted}>{leaveRelative(row.daysToLeave)}</Caption1>
        </div>
      </TableCell>
      <TableCell>
        {row.manager ? (
          row.manager.employeeId ? (
            <Link {...managerLink} className={styles.ellipsis}>
              {row.manager.displayName}
            </Link>
          ) : (
            <Text size={200}>{row.manager.displayName}</Text>
          )
        ) : (
          <Caption1 className={styles.muted}>No manager</Caption1>
        )}
      </TableCell>
      <TableCell className={styles.countCol} data-testid="queue-hardware">
        <Count n={row.open.hardware} label="hardware to recover" />
      </TableCell>
      <TableCell className={styles.countCol} data-testid="queue-seats">
        <Count n={row.open.seats} label="seats to revoke" />
      </TableCell>
      <TableCell className={styles.countCol} data-testid="queue-requests">
        <Count n={row.open.requests} label="open requests" />
      </TableCell>
      <TableCell data-testid="queue-run">{row.latestRun ? <RunStateBadge state={row.latestRun.state as RunState} size="small" /> : <Caption1 className={styles.muted}>Not started</Caption1>}</TableCell>
      <TableCell className={styles.actionCol}>
        {open === 0 && !row.safetyNet ? (
          <Button size="small" appearance="primary" icon={<CheckmarkCircleRegular />} disabled={!canManage} onClick={() => onFinalize(row)} data-testid="queue-action" data-action="finalize">
            Finalize
          </Button>
        ) : (
          <Button size="small" onClick={() => navigate(to)} data-testid="queue-action" data-action="review">
            Review ({open})
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

/** /tabs/queue: who is leaving inside the look-ahead, what each still holds, and who is ready to finalize. */
export function QueuePage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const canManage = can('employees.manage');
  const [days, setDays] = useState<QueueWindow | undefined>(undefined);
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [finalizing, setFinalizing] = useState<QueueRow | null>(null);
  const [importing, setImporting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const fetchQueue = useCallback((signal?: AbortSignal) => getQueue(orgId, days, { signal }), [orgId, days]);
  useEffect(() => {
    const controller = new AbortController();
    setLoad((l) => (l.status === 'ready' ? l : { status: 'loading' }));
    fetchQueue(controller.signal).then(
      (queue) => setLoad({ status: 'ready', queue }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [fetchQueue, attempt]);

  const windowDays = load.status === 'ready' ? load.queue.windowDays : (days ?? 30);
  const chooseWindow = (value: QueueWindow) => {
    setDays(value);
    // A preference: remembered for next time, whatever the answer (the queue shows the choice either way).
    void setQueueWindow(orgId, value).catch(() => undefined);
  };
  const people = load.status === 'ready' ? load.queue.people : [];
  const ready = people.filter((p) => !p.safetyNet && p.open.hardware + p.open.seats + p.open.requests === 0).length;
  const net = people.filter((p) => p.safetyNet).length;

  return (
    <Page
      title="Queue"
      description={`People in ${orgName} whose last day falls inside the look-ahead, and what is still to recover from each. Offboarded means nothing is left out.`}
      actions={
        canManage ? (
          <Button icon={<ArrowUploadRegular />} onClick={() => setImporting(true)} data-testid="queue-import">
            Import assets
          </Button>
        ) : undefined
      }
    >
      <div className={styles.toolbar}>
        <Field label="Look ahead" className={styles.window}>
          <Select value={String(windowDays)} onChange={(_, d) => chooseWindow(Number(d.value) as QueueWindow)} data-testid="queue-window">
            {QUEUE_WINDOWS.map((w) => (
              <option key={w} value={w}>
                Next {w} days
              </option>
            ))}
          </Select>
        </Field>
        {load.status === 'ready' && (
          <Caption1 className={styles.muted} data-testid="queue-summary">
            {people.length === 1 ? '1 person' : `${people.length} people`} · {ready} ready to finalize{net > 0 ? ` · ${net} offboarded with hardware out` : ''}
          </Caption1>
        )}
      </div>
      {notice && (
        <MessageBar intent="success" data-testid="queue-notice">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {load.status === 'loading' && <LoadingState label="Loading the queue…" />}
      {load.status === 'error' && <ErrorBar title="Couldn't load the queue" error={load.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {load.status === 'ready' && people.length === 0 && (
        <EmptyState icon={<PeopleQueueRegular />} title={`Nobody is leaving in the next ${windowDays} days`}>
          People appear here once their leave date (employeeLeaveDateTime in Microsoft 365) is inside the look-ahead. Try a longer look-ahead.
        </EmptyState>
      )}
      {load.status === 'ready' && people.length > 0 && (
        <div className={styles.tableCard}>
          <Table aria-label="Leaver queue, soonest leave date first" size="small" className={styles.table} data-testid="queue-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.personCol}>Person</TableHeaderCell>
                <TableHeaderCell>Leave date</TableHeaderCell>
                <TableHeaderCell>Manager</TableHeaderCell>
                <TableHeaderCell className={styles.countCol}>Hardware</TableHeaderCell>
                <TableHeaderCell className={styles.countCol}>Seats</TableHeaderCell>
                <TableHeaderCell className={styles.countCol}>Requests</TableHeaderCell>
                <TableHeaderCell>Offboarding</TableHeaderCell>
                <TableHeaderCell className={styles.actionCol}>
                  <span className={styles.muted}>Action</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {people.map((p) => (
                <QueueLine key={p.employeeId} row={p} canManage={canManage} onFinalize={setFinalizing} />
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <ConfirmDialog
        open={finalizing !== null}
        onClose={() => setFinalizing(null)}
        title={`Complete the offboarding of ${finalizing?.displayName ?? ''}?`}
        confirmLabel="Complete offboarding"
        testId="finalize"
        onConfirm={async () => {
          const who = finalizing!;
          try {
            await completeOffboarding(orgId, who.employeeId);
            setNotice(`${who.displayName} is offboarded.`);
          } finally {
            setAttempt((n) => n + 1);
          }
        }}
      >
        <Text>
          {finalizing?.displayName} is marked offboarded{finalizing?.leaveDate ? '' : ' with today as the leave date'}; their direct reports no longer have them as manager, and their manager is told. This cannot be undone here.
        </Text>
      </ConfirmDialog>
      <ImportDialog
        open={importing}
        onClose={() => setImporting(false)}
        orgId={orgId}
        onImported={(what, r) => {
          setNotice(`Imported ${what}: ${r.created} added, ${r.updated} updated.`);
          setAttempt((n) => n + 1);
        }}
      />
    </Page>
  );
}
