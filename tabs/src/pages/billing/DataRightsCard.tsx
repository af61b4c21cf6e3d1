import { useCallback, useEffect, useState } from 'react';
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
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular, DeleteRegular, DocumentArrowDownRegular } from '@fluentui/react-icons';
import {
  cancelDeletion,
  DELETION_GRACE_DAYS,
  EXPORT_RETENTION_DAYS,
  exportDownloadUrl,
  getDeletionRequest,
  getExport,
  listExports,
  requestDeletion,
  startExport,
  type DataExport,
  type DeletionRequest,
} from '../../api/datarights';
import { downloadWithToken, linksCarryAuth } from '../../api/download';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { formatInstant } from '../../app/runs';
import { ActionDialog } from '../../components/ActionDialog';
import { ErrorBar } from '../../components/ErrorBar';

const DAY = 86_400_000;
/** How often a running export is asked for its progress. */
const POLL_MS = 1_000;

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
  heading: { margin: 0 },
  block: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  row: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { maxWidth: '420px', display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  danger: { color: tokens.colorPaletteRedForeground1 },
  list: { margin: 0, paddingInlineStart: '1.2em' },
});

const formatSize = (bytes: number | null) => {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
};

const active = (e: DataExport | null) => e !== null && (e.status === 'queued' || e.status === 'running');

/**
 * The Owner's data rights: export everything the organisation has in Offramp (a zip), and ask
 * for all of it to be deleted (cancellable for 7 days). Shown to Owners only.
 */
export function DataRightsCard() {
  const { can } = useOrg();
  if (!can('org.delete')) return null;
  return <DataRights />;
}

function DataRights() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  return (
    <section className={styles.card} aria-labelledby="datarights-heading" data-testid="datarights-card">
      <Subtitle2 as="h2" id="datarights-heading" className={styles.heading}>
        Your organisation’s data
      </Subtitle2>
      <ExportBlock orgId={orgId} />
      <DeletionBlock orgId={orgId} orgName={orgName} />
    </section>
  );
}

function ExportBlock({ orgId }: { orgId: string }) {
  const styles = useStyles();
  const [latest, setLatest] = useState<DataExport | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // The newest export still kept: a reload shows it (and its progress) again.
  useEffect(() => {
    const controller = new AbortController();
    setLoaded(false);
    listExports(orgId, { signal: controller.signal }).then(
      (list) => {
        setLatest(list[0] ?? null);
        setLoaded(true);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) {
          setError(err);
          setLoaded(true);
        }
      },
    );
    return () => controller.abort();
  }, [orgId]);

  // While the job runs, its progress is asked for every second.
  const pollId = active(latest) ? latest!.id : null;
  useEffect(() => {
    if (!pollId) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      getExport(orgId, pollId, { signal: controller.signal }).then(setLatest, (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      });
    }, POLL_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [orgId, pollId, latest]);

  const start = useCallback(async () => {
    setStarting(true);
    setError(null);
    try {
      const started = await startExport(orgId);
      setLatest({ ...started, sizeBytes: null, createdAt: new Date().toISOString(), finishedAt: null, error: null });
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  }, [orgId]);

  const download = (e: DataExport) => {
    const url = exportDownloadUrl(orgId, e.id);
    const name = `offramp-export-${e.createdAt.slice(0, 10)}.zip`;
    return (
      <Link
        href={linksCarryAuth() ? url : undefined}
        onClick={(ev) => {
          if (linksCarryAuth()) return;
          ev.preventDefault();
          void downloadWithToken(url, name).catch(setError);
        }}
        data-testid="datarights-download"
      >
        <DocumentArrowDownRegular /> Download the export (zip{e.sizeBytes !== null ? `, ${formatSize(e.sizeBytes)}` : ''})
      </Link>
    );
  };

  return (
    <div className={styles.block}>
      <Text weight="semibold">Export your data</Text>
      <Text className={styles.muted}>
        One zip with everything Offramp holds for this organisation: a JSON file per table (people, tenants, offboardings and their steps, hardware, seats, requests,
        notices, integrations and their deliveries, members and invitations), the compliance report (PDF) of every finished offboarding, and the audit trail as CSV.
        Secrets (tenant credentials, passwords, integration secrets, invitation tokens) are never included. Exports are kept for {EXPORT_RETENTION_DAYS} days.
      </Text>
      {error !== null && <ErrorBar error={error} title="The export did not work" />}
      {active(latest) && (
        <div className={styles.progress} data-testid="datarights-progress">
          <ProgressBar value={latest!.progress / 100} thickness="large" aria-label={`Export ${latest!.progress}% done`} />
          <Caption1 className={styles.muted}>
            {latest!.status === 'queued' ? 'Waiting to start…' : `Preparing your export… ${latest!.progress}%`}
          </Caption1>
        </div>
      )}
      {latest?.status === 'ready' && (
        <div className={styles.row}>
          {download(latest)}
          <Caption1 className={styles.muted}>
            Made {formatInstant(latest.finishedAt ?? latest.createdAt)}; kept until {formatInstant(new Date(Date.parse(latest.createdAt) + EXPORT_RETENTION_DAYS * DAY).toISOString())}.
          </Caption1>
        </div>
      )}
      {latest?.status === 'failed' && (
        <MessageBar intent="error" data-testid="datarights-export-failed">
          <MessageBarBody>
            <MessageBarTitle>The export failed</MessageBarTitle>
            {latest.error ?? 'Try again in a moment.'}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.row}>
        <Button
          icon={starting ? <Spinner size="tiny" /> : <ArrowDownloadRegular />}
          onClick={() => void start()}
          disabled={!loaded || starting || active(latest)}
          data-testid="datarights-export"
        >
          {latest?.status === 'ready' ? 'Export again' : 'Export your data'}
        </Button>
      </div>
    </div>
  );
}

function DeletionBlock({ orgId, orgName }: { orgId: string; orgName: string }) {
  const styles = useStyles();
  /** undefined: not known yet. */
  const [pending, setPending] = useState<DeletionRequest | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setPending(undefined);
    getDeletionRequest(orgId, { signal: controller.signal }).then(setPending, (err: unknown) => {
      if (!controller.signal.aborted) setError(err);
    });
    return () => controller.abort();
  }, [orgId]);

  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      await cancelDeletion(orgId);
      setPending(null);
    } catch (err) {
      setError(err);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <div className={styles.block}>
      <Text weight="semibold">Delete all organisation data</Text>
      {error !== null && <ErrorBar error={error} title="Deletion" />}
      {pending ? (
        <MessageBar intent="warning" data-testid="datarights-pending">
          <MessageBarBody>
            <MessageBarTitle>Deletion requested</MessageBarTitle>
            All of {orgName}’s data will be permanently deleted after {formatInstant(pending.purgeAfter)}
            {pending.requestedBy ? ` (asked by ${pending.requestedBy} on ${formatInstant(pending.requestedAt)})` : ''}. Until then you can cancel.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void cancel()} disabled={cancelling} icon={cancelling ? <Spinner size="tiny" /> : undefined} data-testid="datarights-cancel">
              Cancel deletion
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : (
        <>
          <Text className={styles.muted}>
            Asks for every piece of this organisation’s data in Offramp to be deleted. You have {DELETION_GRACE_DAYS} days to change your mind.
          </Text>
          <div className={styles.row}>
            <Button
              icon={<DeleteRegular />}
              className={styles.danger}
              disabled={pending === undefined}
              onClick={() => {
                setTyped('');
                setOpen(true);
              }}
              data-testid="datarights-delete"
            >
              Delete all organisation data
            </Button>
          </div>
        </>
      )}
      <ActionDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete all of ${orgName}’s data?`}
        submitLabel="Request deletion"
        canSubmit={typed.trim() === orgName}
        onSubmit={async () => setPending(await requestDeletion(orgId, typed.trim()))}
        testId="datarights-delete"
      >
        <Text>Everything Offramp holds for {orgName} will be deleted permanently:</Text>
        <ul className={styles.list}>
          <li>synced people, connected tenants and their credentials;</li>
          <li>offboardings, their steps and compliance reports;</li>
          <li>hardware, seats, requests, notices, integrations and their deliveries;</li>
          <li>members, invitations, data exports and the audit trail.</li>
        </ul>
        <Text>
          For {DELETION_GRACE_DAYS} days you can cancel here, and nothing changes meanwhile. After that the organisation is purged (within a day) from every table in one go;
          it cannot be undone. Only a record that it existed remains: when it was deleted, how many rows went, and the audit trail’s last hash — no names or emails.
          Export your data first if you need a copy.
        </Text>
        <Field label={`Type the organisation’s name, ${orgName}, to confirm`} required>
          <Input value={typed} onChange={(_, d) => setTyped(d.value)} autoComplete="off" data-testid="datarights-confirm-name" />
        </Field>
      </ActionDialog>
    </div>
  );
}
