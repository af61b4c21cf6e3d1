import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import { useParams } from 'react-router';
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Avatar,
  Badge,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Text,
  Tooltip,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  ArrowDownloadRegular,
  ArrowUndoRegular,
  CalendarEditRegular,
  CheckmarkCircleFilled,
  CheckmarkRegular,
  ChevronDownRegular,
  ChevronRightRegular,
  CircleRegular,
  DismissCircleRegular,
  DismissRegular,
  ErrorCircleFilled,
  KeyRegular,
  LiveRegular,
  SubtractCircleRegular,
} from '@fluentui/react-icons';
import { ApiError, authTransport } from '../../api/client';
import { downloadWithToken, linksCarryAuth } from '../../api/download';
import {
  approveRun,
  cancelRun,
  getRun,
  rejectRun,
  rescheduleRun,
  retryRun,
  revealPassword,
  runEventsUrl,
  runReportUrl,
  undoRun,
  FINISHED_STATES,
  type Run,
  type RunStep,
  type StepState,
  type When,
} from '../../api/offboarding';
import { useAppLink } from '../../app/links';
import { useCurrentOrg } from '../../app/OrgProvider';
import { browserTimeZone } from '../../app/zonedTime';
import { STEP_STATE_LABEL, formatDuration, formatInstant, formatWhen } from '../../app/runs';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { ItemList, PreviewView } from '../../components/PreviewView';
import { RunStateBadge } from '../../components/RunStateBadge';
import { useNow } from '../tenants/format';
import { ConfirmDialog, PasswordDialog, RejectDialog, RescheduleDialog } from './RunDialogs';

/** Without the live stream, the run is fetched this often (less often once it has ended). */
const POLL_MS = 2000;
const POLL_FINISHED_MS = 10_000;

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
  },
  person: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  personText: { display: 'flex', flexDirection: 'column', rowGap: '2px', flexGrow: 1, minWidth: 0 },
  personName: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
  },
  fact: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  dt: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  actions: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
  sectionHead: { display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  heading: { margin: 0 },
  live: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground3 },
  steps: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  step: {
    display: 'grid',
    gridTemplateColumns: '28px minmax(0, 1fr) auto',
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalXXS,
    paddingBlock: tokens.spacingVerticalS,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ':last-child': { borderBottom: 'none' },
  },
  stepIcon: { display: 'grid', placeItems: 'center', height: '24px', fontSize: '20px' },
  stepBody: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS, minWidth: 0 },
  stepTitle: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  stepMeta: { display: 'flex', alignItems: 'flex-start', columnGap: tokens.spacingHorizontalS },
  succeeded: { color: tokens.colorPaletteGreenForeground1 },
  failed: { color: tokens.colorPaletteRedForeground1 },
  pending: { color: tokens.colorNeutralForeground3 },
  skipped: { color: tokens.colorNeutralForeground3 },
  error: { color: tokens.colorPaletteRedForeground1, overflowWrap: 'anywhere' },
  evidence: { alignSelf: 'flex-start' },
  requestIds: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
});

function StepIcon({ state }: { state: StepState }) {
  const styles = useStyles();
  switch (state) {
    case 'running':
      return <Spinner size="extra-tiny" aria-label="Running" />;
    case 'succeeded':
      return <CheckmarkCircleFilled className={styles.succeeded} aria-label="Done" />;
    case 'failed':
      return <ErrorCircleFilled className={styles.failed} aria-label="Failed" />;
    case 'skipped':
      return <SubtractCircleRegular className={styles.skipped} aria-label="Skipped" />;
    case 'cancelled':
      return <DismissCircleRegular className={styles.skipped} aria-label="Cancelled" />;
    default:
      return <CircleRegular className={styles.pending} aria-label="Waiting" />;
  }
}

function StepRow({ step, now, canRetry, retrying, onRetry }: { step: RunStep; now: number; canRetry: boolean; retrying: boolean; onRetry: () => void }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const duration = formatDuration(step.startedAt, step.finishedAt, now);
  const items = step.result?.items ?? [];
  return (
    <li className={styles.step} data-testid="run-step" data-step-id={step.id} data-task={step.task} data-state={step.state} data-phase={step.phase}>
      <span className={styles.stepIcon}>
        <StepIcon state={step.state} />
      </span>
      <div className={styles.stepBody}>
        <div className={styles.stepTitle}>
          <Text weight="semibold">{step.title}</Text>
          <Caption1 className={step.state === 'failed' ? styles.failed : styles.muted} data-testid="run-step-state">
            {STEP_STATE_LABEL[step.state] ?? step.state}
          </Caption1>
          {step.attempts > 1 && (
            <Badge appearance="tint" color="warning" size="small">
              {step.attempts} attempts
            </Badge>
          )}
        </div>
        {step.result?.summary && <Text size={200}>{step.result.summary}</Text>}
        {step.state === 'skipped' && step.skippedReason && <Caption1 className={styles.muted}>Skipped: {step.skippedReason}</Caption1>}
        {step.error && (
          <Text size={200} className={styles.error} data-testid="run-step-error">
            {step.error}
          </Text>
        )}
        {items.length > 0 && (
          <>
            <Button
              size="small"
              appearance="transparent"
              className={styles.evidence}
              icon={open ? <ChevronDownRegular /> : <ChevronRightRegular />}
              onClick={() => setOpen((o) => !o)}
              aria-expanded={open}
              data-testid="run-step-evidence-toggle"
            >
              {open ? 'Hide evidence' : `Show evidence (${items.length})`}
            </Button>
            {open && (
              <>
                <ItemList items={items} testId="run-step-evidence" />
                {step.requestIds.length > 0 && <span className={styles.requestIds}>Microsoft request ids: {step.requestIds.join(', ')}</span>}
              </>
            )}
          </>
        )}
      </div>
      <div className={styles.stepMeta}>
        {duration && step.state !== 'pending' && <Caption1 className={styles.muted}>{duration}</Caption1>}
        {step.state === 'failed' && canRetry && (
          <Button size="small" icon={retrying ? <Spinner size="extra-tiny" /> : <ArrowClockwiseRegular />} disabled={retrying} onClick={onRetry} data-testid="run-step-retry">
            Retry
          </Button>
        )}
      </div>
    </li>
  );
}

type Live = 'connecting' | 'stream' | 'polling';
type Dialog = 'reject' | 'reschedule' | 'cancel' | 'undo' | null;

/** Keeps the run up to date: the server's event stream, or polling when the stream can't be used. */
function useLiveRun(orgId: string, runId: string, setRun: (run: Run) => void, finished: boolean, enabled: boolean) {
  const [live, setLive] = useState<Live>('connecting');
  const [pollError, setPollError] = useState<unknown>(null);
  const finishedRef = useRef(finished);
  finishedRef.current = finished;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();

    const poll = async () => {
      try {
        setRun(await getRun(orgId, runId, { signal: controller.signal }));
        setPollError(null);
      } catch (err) {
        if (stopped) return;
        setPollError(err);
      }
      if (!stopped) timer = setTimeout(() => void poll(), finishedRef.current ? POLL_FINISHED_MS : POLL_MS);
    };
    const startPolling = () => {
      setLive('polling');
      if (!stopped && timer === undefined) timer = setTimeout(() => void poll(), POLL_MS);
    };

    // A Teams token can't ride on an EventSource (no headers): poll there.
    if (authTransport() === 'bearer' || typeof EventSource === 'undefined') startPolling();
    else {
      source = new EventSource(runEventsUrl(orgId, runId), { withCredentials: true });
      source.addEventListener('open', () => !stopped && setLive('stream'));
      source.addEventListener('run', (e) => {
        try {
          setRun(JSON.parse((e as MessageEvent<string>).data) as Run);
          setLive('stream');
          setPollError(null);
        } catch {
          /* a malformed event: the next one, or polling, brings the run */
        }
      });
      source.addEventListener('error', () => {
        source?.close();
        source = null;
        startPolling();
      });
    }
    return () => {
      stopped = true;
      controller.abort();
      source?.close();
      clearTimeout(timer);
    };
  }, [orgId, runId, setRun, enabled]);

  return { live, pollError };
}

function ReportButton({ orgId, run, onError }: { orgId: string; run: Run; onError: (err: unknown) => void }) {
  const href = runReportUrl(orgId, run.id);
  const [busy, setBusy] = useState(false);
  const onClick = (event: MouseEvent) => {
    if (linksCarryAuth()) return; // the cookie session goes with a plain link
    event.preventDefault();
    setBusy(true);
    downloadWithToken(href, `offramp-offboarding-${run.person.userPrincipalName}-${run.id.slice(0, 8)}.pdf`)
      .catch(onError)
      .finally(() => setBusy(false));
  };
  return (
    <Button as="a" href={href} download onClick={onClick} icon={busy ? <Spinner size="tiny" /> : <ArrowDownloadRegular />} data-testid="run-report">
      Download report (PDF)
    </Button>
  );
}

/** /tabs/offboardings/:runId: one run, live, with what the caller may do to it. */
export function RunPage() {
  const { runId = '' } = useParams();
  // Another run is another page: nothing of the last one stays on screen.
  return <RunView key={runId} runId={runId} />;
}

function RunView({ runId }: { runId: string }) {
  const styles = useStyles();
  const { orgId } = useCurrentOrg();
  const listLink = useAppLink('/offboardings');
  const [run, setRunState] = useState<Run | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [password, setPassword] = useState<string | null>(null);

  const setRun = useCallback((next: Run) => setRunState(next), []);

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(null);
    getRun(orgId, runId, { signal: controller.signal }).then(setRun, (err: unknown) => {
      if (!controller.signal.aborted) setLoadError(err);
    });
    return () => controller.abort();
  }, [orgId, runId, attempt, setRun]);

  const finished = run ? FINISHED_STATES.includes(run.state) : false;
  // Live once the run is there (a run that does not exist has nothing to follow).
  const { live, pollError } = useLiveRun(orgId, runId, setRun, finished, run !== null);
  const active = run?.state === 'running' || run?.state === 'undoing';
  const now = useNow(active ? 1000 : 30_000);

  const act = async (key: string, action: () => Promise<Run>) => {
    setBusy(key);
    setActionError(null);
    try {
      setRun(await action());
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };
  /** For dialogs: they show the error themselves. */
  const actInDialog = async (action: () => Promise<Run>) => {
    setActionError(null);
    setRun(await action());
  };

  const reveal = async () => {
    setBusy('password');
    setActionError(null);
    try {
      const { password: value } = await revealPassword(orgId, runId);
      setPassword(value);
      void getRun(orgId, runId).then(setRun, () => undefined);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  if (!run) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <Page title="Offboarding">
        {loadError === null && <LoadingState label="Loading the offboarding…" />}
        {loadError !== null && notFound && (
          <EmptyState
            icon={<DismissCircleRegular />}
            title="There is no such offboarding"
            actions={
              <Button appearance="primary" as="a" {...listLink}>
                All offboardings
              </Button>
            }
          >
            It may belong to another organisation, or the link is incomplete.
          </EmptyState>
        )}
        {loadError !== null && !notFound && <ErrorBar title="Couldn't load the offboarding" error={loadError} onRetry={() => setAttempt((n) => n + 1)} />}
      </Page>
    );
  }

  const doSteps = run.steps.filter((s) => s.phase === 'do').sort((a, b) => a.seq - b.seq);
  const undoSteps = run.steps.filter((s) => s.phase === 'undo').sort((a, b) => a.seq - b.seq);
  const failedCount = run.steps.filter((s) => s.state === 'failed').length;
  const undoable = doSteps.filter((s) => s.state === 'succeeded' && s.undo.kind !== 'none');
  const notUndoable = doSteps.filter((s) => s.state === 'succeeded' && s.undo.kind === 'none');
  const { allowed } = run;
  const person = run.person;

  return (
    <Page
      title={`Offboarding of ${person.displayName}`}
      description={
        <>
          <Link {...listLink}>All offboardings</Link> · {run.tenant.displayName}
        </>
      }
    >
      {actionError !== null && <ErrorBar title="That didn't work" error={actionError} />}
      {pollError !== null && <ErrorBar title="Couldn't refresh the offboarding; trying again" error={pollError} />}

      <section className={styles.card} aria-label="The offboarding" data-testid="run-header" data-run-id={run.id} data-state={run.state}>
        <div className={styles.person}>
          <Avatar name={person.displayName} size={48} color="colorful" />
          <div className={styles.personText}>
            <span className={styles.personName}>
              <Subtitle2 as="h2" className={styles.heading} data-testid="run-person">
                {person.displayName}
              </Subtitle2>
              <RunStateBadge state={run.state} size="large" />
            </span>
            <Caption1 className={styles.muted}>
              {person.userPrincipalName}
              {person.jobTitle ? ` · ${person.jobTitle}` : ''}
              {person.department ? ` · ${person.department}` : ''}
            </Caption1>
          </div>
        </div>

        {run.state === 'rejected' && run.rejectionReason && (
          <MessageBar intent="error" layout="multiline" data-testid="run-rejected">
            <MessageBarBody>
              <MessageBarTitle>Rejected{run.approvedBy ? ` by ${run.approvedBy.name}` : ''}</MessageBarTitle>
              {run.rejectionReason}
            </MessageBarBody>
          </MessageBar>
        )}
        {run.cancelRequestedAt && run.state === 'running' && (
          <MessageBar intent="warning">
            <MessageBarBody>Cancelling: the step under way finishes, then the rest are cancelled.</MessageBarBody>
          </MessageBar>
        )}
        {run.passwordWaiting && !allowed.revealPassword && (
          <MessageBar intent="info">
            <MessageBarBody>The run set a new password; the approver can see it once.</MessageBarBody>
          </MessageBar>
        )}

        <dl className={styles.facts}>
          <div className={styles.fact}>
            <dt className={styles.dt}>When</dt>
            <dd className={styles.dd} data-testid="run-when">
              {formatWhen(run.when)}
              {run.scheduledAt && run.when.kind === 'at' && run.when.timeZone !== browserTimeZone() && (
                <Caption1 className={styles.muted}> · {formatInstant(run.scheduledAt)} on this computer’s clock</Caption1>
              )}
            </dd>
          </div>
          <div className={styles.fact}>
            <dt className={styles.dt}>Requested by</dt>
            <dd className={styles.dd}>
              {run.requestedBy.name}
              <Caption1 className={styles.muted}> · {formatInstant(run.createdAt)}</Caption1>
            </dd>
          </div>
          <div className={styles.fact}>
            <dt className={styles.dt}>{run.state === 'rejected' ? 'Rejected by' : 'Approved by'}</dt>
            <dd className={styles.dd}>
              {run.approvedBy ? (
                <>
                  {run.approvedBy.name}
                  {run.decidedAt && <Caption1 className={styles.muted}> · {formatInstant(run.decidedAt)}</Caption1>}
                </>
              ) : run.state === 'awaiting_approval' ? (
                <span className={styles.muted}>Waiting for an approver</span>
              ) : (
                <span className={styles.muted}>No approval needed</span>
              )}
            </dd>
          </div>
          {run.startedAt && (
            <div className={styles.fact}>
              <dt className={styles.dt}>Started</dt>
              <dd className={styles.dd}>{formatInstant(run.startedAt)}</dd>
            </div>
          )}
          {run.finishedAt && (
            <div className={styles.fact}>
              <dt className={styles.dt}>Finished</dt>
              <dd className={styles.dd}>
                {formatInstant(run.finishedAt)}
                {run.startedAt && <Caption1 className={styles.muted}> · took {formatDuration(run.startedAt, run.finishedAt)}</Caption1>}
              </dd>
            </div>
          )}
          {run.undoneAt && (
            <div className={styles.fact}>
              <dt className={styles.dt}>Undone</dt>
              <dd className={styles.dd}>{formatInstant(run.undoneAt)}</dd>
            </div>
          )}
          <div className={styles.fact}>
            <dt className={styles.dt}>Progress</dt>
            <dd className={styles.dd}>
              {run.counts.succeeded} of {run.counts.total} done
              {run.counts.failed > 0 && <span className={styles.failed}> · {run.counts.failed} failed</span>}
              {run.counts.skipped > 0 && ` · ${run.counts.skipped} skipped`}
            </dd>
          </div>
        </dl>

        <div className={styles.actions} data-testid="run-actions">
          {allowed.approve && (
            <Button
              appearance="primary"
              icon={busy === 'approve' ? <Spinner size="tiny" /> : <CheckmarkRegular />}
              disabled={busy !== null}
              onClick={() => void act('approve', () => approveRun(orgId, run.id))}
              data-testid="run-approve"
            >
              Approve
            </Button>
          )}
          {allowed.reject && (
            <Button icon={<DismissRegular />} disabled={busy !== null} onClick={() => setDialog('reject')} data-testid="run-reject">
              Reject
            </Button>
          )}
          {allowed.reschedule && (
            <Button icon={<CalendarEditRegular />} disabled={busy !== null} onClick={() => setDialog('reschedule')} data-testid="run-reschedule">
              Reschedule
            </Button>
          )}
          {allowed.retry && failedCount > 0 && (
            <Button
              appearance={allowed.approve ? 'secondary' : 'primary'}
              icon={busy === 'retry' ? <Spinner size="tiny" /> : <ArrowClockwiseRegular />}
              disabled={busy !== null}
              onClick={() => void act('retry', () => retryRun(orgId, run.id))}
              data-testid="run-retry"
            >
              Retry all failed ({failedCount})
            </Button>
          )}
          {allowed.revealPassword && (
            <Button icon={busy === 'password' ? <Spinner size="tiny" /> : <KeyRegular />} disabled={busy !== null} onClick={() => void reveal()} data-testid="run-reveal-password">
              Reveal password
            </Button>
          )}
          {allowed.undo && (
            <Button icon={<ArrowUndoRegular />} disabled={busy !== null} onClick={() => setDialog('undo')} data-testid="run-undo">
              Undo
            </Button>
          )}
          {allowed.cancel && (
            <Button icon={<DismissCircleRegular />} disabled={busy !== null} onClick={() => setDialog('cancel')} data-testid="run-cancel">
              Cancel
            </Button>
          )}
          <ReportButton orgId={orgId} run={run} onError={setActionError} />
        </div>
      </section>

      <section className={styles.card} aria-labelledby="steps-heading" data-testid="run-steps">
        <div className={styles.sectionHead}>
          <Subtitle2 as="h2" id="steps-heading" className={styles.heading}>
            Steps
          </Subtitle2>
          <Tooltip
            relationship="description"
            content={live === 'stream' ? 'Changes appear as they happen.' : live === 'polling' ? 'Checked every few seconds.' : 'Connecting…'}
          >
            <Caption1 className={styles.live} data-testid="run-live" data-live={live}>
              <LiveRegular /> {live === 'stream' ? 'Live' : live === 'polling' ? 'Refreshing' : 'Connecting…'}
            </Caption1>
          </Tooltip>
        </div>
        {doSteps.length === 0 ? (
          <Text className={styles.muted}>This offboarding has no steps.</Text>
        ) : (
          <ol className={styles.steps}>
            {doSteps.map((s) => (
              <StepRow
                key={s.id}
                step={s}
                now={now}
                canRetry={allowed.retry}
                retrying={busy === `retry:${s.id}`}
                onRetry={() => void act(`retry:${s.id}`, () => retryRun(orgId, run.id, s.id))}
              />
            ))}
          </ol>
        )}
      </section>

      {undoSteps.length > 0 && (
        <section className={styles.card} aria-labelledby="undo-heading" data-testid="undo-history">
          <div className={styles.sectionHead}>
            <Subtitle2 as="h2" id="undo-heading" className={styles.heading}>
              Undo history
            </Subtitle2>
            {run.undoneAt && <Caption1 className={styles.muted}>Finished {formatInstant(run.undoneAt)}</Caption1>}
          </div>
          <ol className={styles.steps}>
            {undoSteps.map((s) => (
              <StepRow
                key={s.id}
                step={s}
                now={now}
                canRetry={allowed.retry}
                retrying={busy === `retry:${s.id}`}
                onRetry={() => void act(`retry:${s.id}`, () => retryRun(orgId, run.id, s.id))}
              />
            ))}
          </ol>
        </section>
      )}

      {run.preview && (
        <section className={styles.card} aria-label="The preview" data-testid="run-preview">
          <Accordion collapsible>
            <AccordionItem value="preview">
              <AccordionHeader expandIconPosition="end">
                <Subtitle2 as="h2" className={styles.heading}>
                  {run.approvedBy ? 'The preview it was approved on' : 'The preview taken when it was requested'}
                </Subtitle2>
              </AccordionHeader>
              <AccordionPanel>
                <PreviewView preview={run.preview} />
              </AccordionPanel>
            </AccordionItem>
          </Accordion>
        </section>
      )}

      <RejectDialog
        open={dialog === 'reject'}
        onClose={() => setDialog(null)}
        personName={person.displayName}
        onReject={(reason) => actInDialog(() => rejectRun(orgId, run.id, reason))}
      />
      <RescheduleDialog
        open={dialog === 'reschedule'}
        onClose={() => setDialog(null)}
        current={run.when}
        onReschedule={(when: When) => actInDialog(() => rescheduleRun(orgId, run.id, when))}
      />
      <ConfirmDialog
        open={dialog === 'cancel'}
        onClose={() => setDialog(null)}
        title={`Cancel the offboarding of ${person.displayName}?`}
        confirmLabel="Cancel the offboarding"
        onConfirm={() => actInDialog(() => cancelRun(orgId, run.id))}
        testId="cancel"
      >
        {run.state === 'running'
          ? 'The step under way finishes; the steps after it do not run. What is done stays done (undo puts back what it can).'
          : 'Nothing has changed in Microsoft 365 yet, and nothing will.'}
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'undo'}
        onClose={() => setDialog(null)}
        title={`Undo the offboarding of ${person.displayName}?`}
        confirmLabel="Undo"
        onConfirm={() => actInDialog(() => undoRun(orgId, run.id))}
        testId="undo"
      >
        <Text>Offramp puts back what these steps took away, in reverse order:</Text>
        <ItemList items={undoable.map((s) => ({ id: s.id, label: s.title, detail: s.undo.how }))} />
        {notUndoable.length > 0 && (
          <>
            <Text>These cannot be put back:</Text>
            <ItemList items={notUndoable.map((s) => ({ id: s.id, label: s.title, detail: s.undo.how }))} />
          </>
        )}
      </ConfirmDialog>
      <PasswordDialog password={password} personName={person.displayName} onClose={() => setPassword(null)} />
    </Page>
  );
}
