import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
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
import { AddRegular, CheckmarkCircleFilled, DocumentPdfRegular, LockClosedRegular } from '@fluentui/react-icons';
import {
  HARDWARE_STATUS_LABEL,
  REQUEST_STATUS_LABEL,
  RETURN_CONDITION_LABEL,
  completeOffboarding,
  getChecklist,
  hardwareLabel,
  revokeSeat,
  updateRequest,
  type AssetRequestItem,
  type Checklist,
  type HardwareItem,
  type SeatItem,
} from '../../api/assets';
import type { RunState } from '../../api/offboarding';
import { downloadWithToken, linksCarryAuth } from '../../api/download';
import { useAppLink } from '../../app/links';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { formatInstant } from '../../app/runs';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { RunStateBadge } from '../../components/RunStateBadge';
import { ConfirmDialog } from '../offboardings/RunDialogs';
import { AddSeatDialog, AssignHardwareDialog, CloseRequestDialog, NewRequestDialog, RecoverDialog } from './ChecklistDialogs';
import { formatDay, formatMoney } from './leaveDate';

const useStyles = makeStyles({
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 2fr) minmax(260px, 1fr)',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalL,
    alignItems: 'start',
    '@media (max-width: 860px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  column: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL, minWidth: 0 },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    minWidth: 0,
  },
  cardHead: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, minHeight: '32px' },
  cardTitle: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  tableWrap: { overflowX: 'auto' },
  empty: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, color: tokens.colorPaletteGreenForeground1, paddingBlock: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
  stack: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalXS, justifyContent: 'flex-end' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS, margin: 0 },
  factName: { color: tokens.colorNeutralForeground3, margin: 0 },
  factValue: { margin: 0, wordBreak: 'break-word' },
  complete: { border: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke2}` },
  blocked: { color: tokens.colorNeutralForeground2 },
  done: { color: tokens.colorPaletteGreenForeground1, display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  returns: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, display: 'grid', rowGap: tokens.spacingVerticalXXS },
});

type Load = { status: 'loading' } | { status: 'ready'; list: Checklist } | { status: 'error'; error: unknown };

function Section({ title, count, action, emptyText, testId, children }: { title: string; count: number; action?: ReactNode; emptyText: string; testId: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section className={styles.card} data-testid={testId} data-count={count} aria-label={title}>
      <div className={styles.cardHead}>
        <span className={styles.cardTitle}>
          <Subtitle2 as="h2">{title}</Subtitle2>
          <Badge appearance="tint" color={count ? 'warning' : 'success'} shape="rounded">
            {count}
          </Badge>
        </span>
        {action}
      </div>
      {count === 0 ? (
        <div className={styles.empty} data-testid={`${testId}-empty`}>
          <CheckmarkCircleFilled />
          <Text>{emptyText}</Text>
        </div>
      ) : (
        <div className={styles.tableWrap}>{children}</div>
      )}
    </section>
  );
}

function Fact({ name, children }: { name: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <>
      <dt className={styles.factName}>{name}</dt>
      <dd className={styles.factValue}>{children}</dd>
    </>
  );
}

/** /tabs/people/:employeeId: what one person still holds, recovered in place, and the gate to mark them offboarded. */
export function PersonPage() {
  const styles = useStyles();
  const { employeeId = '' } = useParams();
  const { orgId } = useCurrentOrg();
  const { can } = useOrg();
  const canManage = can('employees.manage');
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [recovering, setRecovering] = useState<HardwareItem | null>(null);
  const [revoking, setRevoking] = useState<SeatItem | null>(null);
  const [closing, setClosing] = useState<AssetRequestItem | null>(null);
  const [dialog, setDialog] = useState<'hardware' | 'seat' | 'request' | 'complete' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    getChecklist(orgId, employeeId, { signal: controller.signal }).then(
      (list) => setLoad({ status: 'ready', list }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error: err });
      },
    );
    return () => controller.abort();
  }, [orgId, employeeId, attempt]);

  const queueLink = useAppLink('/queue');
  const list = load.status === 'ready' ? load.list : null;
  const managerLink = useAppLink(list?.person.manager?.employeeId ? `/people/${encodeURIComponent(list.person.manager.employeeId)}` : '/queue');
  const runLink = useAppLink(list?.latestRun ? `/offboardings/${encodeURIComponent(list.latestRun.id)}` : '/offboardings');

  if (load.status === 'loading') return <Page title="Checklist"><LoadingState label="Loading the checklist…" /></Page>;
  if (load.status === 'error' || !list) {
    return (
      <Page title="Checklist">
        <ErrorBar title="Couldn't load this person's checklist" error={load.status === 'error' ? load.error : null} onRetry={reload} />
        <Link {...queueLink}>Back to the queue</Link>
      </Page>
    );
  }
  const p = list.person;
  const name = p.displayName;
  const run = list.latestRun;
  const offboarded = p.status === 'offboarded';
  const act = (f: () => Promise<unknown>, done?: string) => {
    setError(null);
    f().then(
      () => {
        if (done) setNotice(done);
        reload();
      },
      (err: unknown) => {
        setError(err);
        reload();
      },
    );
  };

  return (
    <Page
      title={name}
      description={
        <>
          {[p.jobTitle, p.department, p.tenant.displayName].filter(Boolean).join(' · ')} · <Link {...queueLink}>Queue</Link>
        </>
      }
    >
      {error !== null && <ErrorBar error={error} />}
      {notice && (
        <MessageBar intent="success" data-testid="checklist-notice">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.layout}>
        <div className={styles.column}>
          <Section
            title="Hardware to recover"
            count={list.hardware.length}
            testId="checklist-hardware"
            emptyText={`No hardware to recover: ${name} holds no device.`}
            action={
              canManage && (
                <Button size="small" icon={<AddRegular />} onClick={() => setDialog('hardware')} data-testid="checklist-assign-hardware">
                  Assign hardware
                </Button>
              )
            }
          >
            <Table size="small" aria-label="Hardware to recover">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Device</TableHeaderCell>
                  <TableHeaderCell>Source</TableHeaderCell>
                  <TableHeaderCell>Held since</TableHeaderCell>
                  <TableHeaderCell />
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.hardware.map((h) => (
                  <TableRow key={h.id} data-testid="hardware-row" data-hardware-id={h.id}>
                    <TableCell>
                      <div className={styles.stack}>
                        <Text>{hardwareLabel(h)}</Text>
                        <Caption1 className={styles.muted}>{[h.manufacturer, h.serial && `Serial ${h.serial}`, h.location].filter(Boolean).join(' · ') || HARDWARE_STATUS_LABEL[h.status]}</Caption1>
                      </div>
                    </TableCell>
                    <TableCell>
                      <Caption1>{h.source === 'intune' ? (h.intuneGone ? 'Intune (removed)' : 'Intune') : 'Recorded'}</Caption1>
                    </TableCell>
                    <TableCell>
                      <Caption1>{formatDay(h.assignedSince)}</Caption1>
                    </TableCell>
                    <TableCell>
                      <div className={styles.actions}>
                        {canManage && (
                          <Button size="small" onClick={() => setRecovering(h)} data-testid="hardware-recover">
                            Record return
                          </Button>
                        )}
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>

          <Section
            title="Seats to revoke"
            count={list.seats.length}
            testId="checklist-seats"
            emptyText={`No seats to revoke: ${name} holds no licence or SaaS seat.`}
            action={
              canManage && (
                <Button size="small" icon={<AddRegular />} onClick={() => setDialog('seat')} data-testid="checklist-add-seat">
                  Add seat
                </Button>
              )
            }
          >
            <Table size="small" aria-label="Seats to revoke">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Product</TableHeaderCell>
                  <TableHeaderCell>Cost</TableHeaderCell>
                  <TableHeaderCell>Since</TableHeaderCell>
                  <TableHeaderCell />
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.seats.map((s) => (
                  <TableRow key={s.id} data-testid="seat-row" data-seat-id={s.id} data-status={s.status}>
                    <TableCell>
                      <div className={styles.stack}>
                        <Text>{s.product}</Text>
                        <Caption1 className={styles.muted}>{s.source === 'm365' ? 'Microsoft 365 licence' : s.vendor}</Caption1>
                      </div>
                    </TableCell>
                    <TableCell>
                      <Caption1>{formatMoney(s.costCents, s.currency)}</Caption1>
                    </TableCell>
                    <TableCell>
                      <Caption1>{formatDay(s.assignedSince)}</Caption1>
                    </TableCell>
                    <TableCell>
                      <div className={styles.actions}>
                        {s.status === 'revoking' ? (
                          <Badge appearance="tint" color="informative" data-testid="seat-revoking">
                            Being removed
                          </Badge>
                        ) : (
                          canManage && (
                            <Button size="small" onClick={() => setRevoking(s)} data-testid="seat-revoke">
                              Revoke
                            </Button>
                          )
                        )}
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>

          <Section
            title="Open requests"
            count={list.requests.length}
            testId="checklist-requests"
            emptyText="No open requests."
            action={
              canManage && (
                <Button size="small" icon={<AddRegular />} onClick={() => setDialog('request')} data-testid="checklist-new-request">
                  New request
                </Button>
              )
            }
          >
            <Table size="small" aria-label="Open requests">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Request</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell />
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.requests.map((r) => (
                  <TableRow key={r.id} data-testid="request-row" data-request-id={r.id}>
                    <TableCell>
                      <div className={styles.stack}>
                        <Text>{r.what}</Text>
                        <Caption1 className={styles.muted}>
                          {r.requestedByName} · {formatInstant(r.createdAt)}
                        </Caption1>
                      </div>
                    </TableCell>
                    <TableCell>
                      <Badge appearance="tint" color={r.status === 'approved' ? 'brand' : 'warning'}>
                        {REQUEST_STATUS_LABEL[r.status]}
                      </Badge>
                    </TableCell>
                    <TableCell>
                      {canManage && (
                        <div className={styles.actions}>
                          {r.status === 'pending' && (
                            <Button size="small" onClick={() => act(() => updateRequest(orgId, r.id, { status: 'approved' }))} data-testid="request-approve">
                              Approve
                            </Button>
                          )}
                          <Button size="small" onClick={() => setClosing(r)} data-testid="request-close">
                            Close
                          </Button>
                        </div>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>

          {list.returns.length > 0 && (
            <section className={styles.card} aria-label="Returned" data-testid="checklist-returns">
              <Subtitle2 as="h2">Returned</Subtitle2>
              <ul className={styles.returns}>
                {list.returns.map((r) => (
                  <li key={r.id} data-testid="return-row">
                    <Text size={200}>
                      {hardwareLabel({ model: r.model, assetTag: r.assetTag, serial: r.serial, name: null })}: {RETURN_CONDITION_LABEL[r.condition].toLowerCase()}, to {HARDWARE_STATUS_LABEL[r.nextStatus].toLowerCase()}
                      {r.note ? ` (${r.note})` : ''}
                    </Text>{' '}
                    <Caption1 className={styles.muted}>
                      {r.recordedByName}, {formatInstant(r.at)}
                    </Caption1>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>

        <div className={styles.column}>
          <section className={mergeClasses(styles.card, styles.complete)} data-testid="complete-card" aria-label="Complete offboarding">
            <Subtitle2 as="h2">Complete offboarding</Subtitle2>
            {offboarded ? (
              <Text className={styles.done} data-testid="complete-done">
                <CheckmarkCircleFilled /> Offboarded {formatDay(p.offboardedAt)} by {p.offboardedBy}.
              </Text>
            ) : (
              <>
                <Body1 className={styles.blocked}>Marks {name} offboarded, clears them as their reports' manager and tells their manager. It cannot be undone here.</Body1>
                {list.blockedBy && (
                  <Text className={styles.blocked} data-testid="complete-blocked">
                    <LockClosedRegular /> {list.blockedBy}
                  </Text>
                )}
                <Button
                  appearance="primary"
                  disabled={list.blockedBy !== null || !canManage}
                  onClick={() => setDialog('complete')}
                  data-testid="complete-button"
                  title={list.blockedBy ?? (canManage ? undefined : 'Your role cannot complete offboardings.')}
                >
                  Complete offboarding
                </Button>
              </>
            )}
          </section>

          <section className={styles.card} aria-label="Profile" data-testid="checklist-profile">
            <Subtitle2 as="h2">Profile</Subtitle2>
            <dl className={styles.facts}>
              <Fact name="Email">{p.mail ?? p.userPrincipalName}</Fact>
              <Fact name="Department">{p.department ?? '—'}</Fact>
              <Fact name="Manager">
                {p.manager ? p.manager.employeeId ? <Link {...managerLink}>{p.manager.displayName}</Link> : p.manager.displayName : '—'}
              </Fact>
              <Fact name="Started">{formatDay(p.hireDate)}</Fact>
              <Fact name="Leaves">{formatDay(p.leaveDate)}</Fact>
              <Fact name="Status">
                <Badge appearance="tint" color={offboarded ? 'success' : 'informative'} data-testid="checklist-status" data-status={p.status}>
                  {offboarded ? 'Offboarded' : 'Active'}
                </Badge>
              </Fact>
              <Fact name="Account">
                <span data-testid="checklist-account">{p.account.removedFromTenant ? 'Removed from the tenant' : p.account.enabled ? 'Sign-in allowed' : 'Sign-in blocked'}</span>
                <Caption1 className={styles.muted}> · synced {formatInstant(p.account.syncedAt)}</Caption1>
              </Fact>
              <Fact name="Offboarding">
                {run ? (
                  <span className={styles.stack}>
                    <span>
                      <RunStateBadge state={run.state as RunState} size="small" /> <Link {...runLink}>View run</Link>
                    </span>
                    {run.pdfUrl && (
                      <Link
                        href={linksCarryAuth() ? run.pdfUrl : undefined}
                        onClick={(e) => {
                          if (linksCarryAuth()) return;
                          e.preventDefault();
                          void downloadWithToken(run.pdfUrl!, `offboarding-${p.userPrincipalName}.pdf`).catch(setError);
                        }}
                        data-testid="checklist-pdf"
                      >
                        <DocumentPdfRegular /> Compliance report (PDF)
                      </Link>
                    )}
                  </span>
                ) : (
                  'Not started'
                )}
              </Fact>
            </dl>
          </section>
        </div>
      </div>

      <RecoverDialog open={recovering !== null} onClose={() => setRecovering(null)} orgId={orgId} item={recovering} personName={name} onDone={reload} />
      <AssignHardwareDialog open={dialog === 'hardware'} onClose={() => setDialog(null)} orgId={orgId} employeeId={p.employeeId} personName={name} onDone={reload} />
      <AddSeatDialog open={dialog === 'seat'} onClose={() => setDialog(null)} orgId={orgId} employeeId={p.employeeId} personName={name} onDone={reload} />
      <NewRequestDialog open={dialog === 'request'} onClose={() => setDialog(null)} orgId={orgId} employeeId={p.employeeId} personName={name} onDone={reload} />
      <CloseRequestDialog open={closing !== null} onClose={() => setClosing(null)} orgId={orgId} request={closing} onDone={reload} />
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.product ?? ''}?`}
        confirmLabel="Revoke"
        testId="revoke-seat"
        onConfirm={async () => {
          const r = await revokeSeat(orgId, revoking!.id);
          setNotice(r.run ? `An offboarding run removes ${name}'s Microsoft 365 licences (${r.run.state.replace(/_/g, ' ')}).` : `${revoking!.product} is free again.`);
          reload();
        }}
      >
        <Text>
          {revoking?.source === 'm365'
            ? `Microsoft 365 licences are removed in the tenant by an offboarding run of "Remove licences", which removes every licence ${name} holds. The seats are freed when it succeeds.`
            : `The seat is freed in Offramp. Remove ${name} in ${revoking?.vendor ?? 'the product'} itself too.`}
        </Text>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'complete'}
        onClose={() => setDialog(null)}
        title={`Complete the offboarding of ${name}?`}
        confirmLabel="Complete offboarding"
        testId="complete"
        onConfirm={async () => {
          try {
            await completeOffboarding(orgId, p.employeeId);
            setNotice(`${name} is offboarded.`);
          } finally {
            reload();
          }
        }}
      >
        <Text>
          {name} is marked offboarded{p.leaveDate ? '' : ', with today as the leave date'}. Their direct reports no longer have them as manager in Offramp, their manager is told, and the integrations hear of it. This cannot be undone here.
        </Text>
      </ConfirmDialog>
    </Page>
  );
}
