import { useEffect, useId, useState } from 'react';
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Badge,
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle1,
  Subtitle2,
  Text,
  Tooltip,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowSyncRegular,
  BuildingRegular,
  CheckmarkCircleRegular,
  CheckmarkRegular,
  CopyRegular,
  PlugDisconnectedRegular,
  ShieldCheckmarkRegular,
  ShieldKeyholeRegular,
  WarningRegular,
} from '@fluentui/react-icons';
import { setTenantScope, syncTenant, disconnectTenant, isSyncing, type Tenant, type TenantScope, type TenantSync } from '../../api/tenants';
import { copyText } from '../../components/CopyField';
import { ErrorBar } from '../../components/ErrorBar';
import { formatAgo, formatDate, formatDateTime, formatNumber, formatRelative, people } from './format';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalXL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
    '@media (max-width: 720px)': { padding: tokens.spacingHorizontalL },
  },
  cardMuted: { boxShadow: 'none', backgroundColor: tokens.colorNeutralBackground2 },
  head: { display: 'flex', alignItems: 'flex-start', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS, flexWrap: 'wrap' },
  icon: {
    display: 'grid',
    placeItems: 'center',
    flexShrink: 0,
    width: '40px',
    height: '40px',
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontSize: '22px',
  },
  iconMuted: { backgroundColor: tokens.colorNeutralBackground4, color: tokens.colorNeutralForeground3 },
  title: { display: 'flex', flexDirection: 'column', rowGap: '2px', flexGrow: 1, minWidth: '200px' },
  nameRow: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap', rowGap: tokens.spacingVerticalXXS },
  name: { margin: 0, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground3 },
  secondary: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(4, minmax(0, auto))',
    justifyContent: 'start',
    columnGap: tokens.spacingHorizontalXXL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    '@media (max-width: 900px)': { gridTemplateColumns: 'repeat(2, minmax(0, auto))' },
    '@media (max-width: 520px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  fact: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  dt: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200 },
  dd: { margin: 0, display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalXXS, minWidth: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground2,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    minWidth: 0,
  },
  panelHead: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap', minHeight: '24px' },
  heading: { margin: 0 },
  grow: { flexGrow: 1 },
  columns: {
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalL,
    alignItems: 'start',
    '@media (max-width: 820px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  progress: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  result: { display: 'flex', alignItems: 'flex-start', columnGap: tokens.spacingHorizontalS },
  resultText: { display: 'flex', alignItems: 'baseline', columnGap: tokens.spacingHorizontalS, rowGap: '2px', flexWrap: 'wrap', minWidth: 0 },
  ok: { color: tokens.colorPaletteGreenForeground1, fontSize: '20px', flexShrink: 0 },
  warn: { color: tokens.colorPaletteDarkOrangeForeground1, fontSize: '16px', flexShrink: 0, marginTop: '2px' },
  radios: { marginInlineStart: `calc(-1 * ${tokens.spacingHorizontalS})` },
  scopeFooter: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  missingList: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingInlineStart: tokens.spacingHorizontalL, display: 'grid', rowGap: tokens.spacingVerticalXS },
  permList: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', rowGap: tokens.spacingVerticalS },
  permItem: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
  permText: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  permOk: { color: tokens.colorPaletteGreenForeground1, fontSize: '16px', flexShrink: 0, marginTop: '2px' },
  accordion: { marginInline: `calc(-1 * ${tokens.spacingHorizontalM})` },
});

type Props = {
  tenant: Tenant;
  orgId: string;
  canManage: boolean;
  now: number;
  /** The server answered with a newer copy of the tenant. */
  onUpdated: (tenant: Tenant) => void;
  /** The tenant was disconnected. */
  onDisconnected: (tenant: Tenant) => void;
  /** Sends an administrator to Microsoft to grant the missing permissions (production tenants only). */
  onReconsent?: () => void;
  reconsentBusy?: boolean;
};

function scopeLabel(scope: TenantScope): string {
  return scope.kind === 'all' ? 'Whole tenant' : `Members of ${scope.groupName || scope.groupId}`;
}

function TenantIdCopy({ value }: { value: string }) {
  const styles = useStyles();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <>
      <Text className={styles.mono} data-testid="tenant-id">
        {value}
      </Text>
      <Tooltip
        content={copied === 'yes' ? 'Copied' : copied === 'no' ? 'Could not copy: select the id and copy it yourself' : 'Copy the tenant id'}
        relationship="label"
        visible={copied !== null ? true : undefined}
      >
        <Button
          size="small"
          appearance="transparent"
          icon={copied === 'yes' ? <CheckmarkRegular /> : <CopyRegular />}
          onClick={async () => setCopied((await copyText(value)) ? 'yes' : 'no')}
          data-testid="tenant-id-copy"
        />
      </Tooltip>
    </>
  );
}

const syncKind = (sync: TenantSync) => (sync.full ? 'Full sync' : 'Incremental sync (delta)');

/** Where the directory sync stands: queued, running with progress, its last result or error. */
function SyncStatus({ sync, now }: { sync: TenantSync; now: number }) {
  const styles = useStyles();
  const when = (iso: string | null, verb: string) =>
    iso ? (
      <time dateTime={iso} title={formatDateTime(iso)}>
        {verb} {formatAgo(iso, now)}
      </time>
    ) : null;

  switch (sync.state) {
    case 'queued':
    case 'running': {
      const progress = sync.state === 'running' ? sync.progress : null;
      const total = progress?.total ?? null;
      const determinate = progress !== null && total !== null && total > 0;
      const text =
        sync.state === 'queued'
          ? 'Waiting to start…'
          : progress === null
            ? 'Starting…'
            : total !== null
              ? `Synced ${formatNumber(progress.processed)} of ${formatNumber(total)} people`
              : `Synced ${formatNumber(progress.processed)} people so far`;
      return (
        <div
          className={styles.progress}
          data-testid="sync-progress"
          data-state={sync.state}
          data-processed={progress?.processed ?? ''}
          data-total={total ?? ''}
        >
          <ProgressBar
            value={determinate ? Math.min(progress.processed / total, 1) : undefined}
            thickness="large"
            aria-label="Sync progress"
          />
          <div className={styles.resultText}>
            <Text weight="semibold" aria-live="polite">
              {text}
            </Text>
            <Caption1 className={styles.muted}>
              {sync.state === 'queued' ? `${syncKind(sync)} queued` : syncKind(sync)}
              {sync.state === 'running' && sync.startedAt ? <> · {when(sync.startedAt, 'started')}</> : null}
            </Caption1>
          </div>
        </div>
      );
    }
    case 'succeeded': {
      const r = sync.result;
      return (
        <div className={styles.result} data-testid="sync-result" data-state={sync.state} data-full={String(sync.full)}>
          <CheckmarkCircleRegular className={styles.ok} aria-hidden />
          <div className={styles.resultText}>
            <Text weight="semibold">
              {r
                ? `Added ${formatNumber(r.added)} · Updated ${formatNumber(r.updated)} · Removed ${formatNumber(r.removed)} · ${people(r.total)}`
                : 'The last sync succeeded'}
            </Text>
            <Caption1 className={styles.muted}>
              {syncKind(sync)}
              {sync.finishedAt ? <> · {when(sync.finishedAt, 'finished')}</> : null}
            </Caption1>
          </div>
        </div>
      );
    }
    case 'failed':
      return (
        <MessageBar intent="error" layout="multiline" data-testid="sync-error" data-state={sync.state} data-full={String(sync.full)}>
          <MessageBarBody>
            <MessageBarTitle>The last sync failed</MessageBarTitle>
            <Text data-testid="sync-error-message">{sync.error || 'The server did not say why.'}</Text>
            <div>
              <Caption1 className={styles.muted}>
                {syncKind(sync)}
                {sync.finishedAt ? <> · {when(sync.finishedAt, 'failed')}</> : null}. People synced before are still listed.
              </Caption1>
            </div>
          </MessageBarBody>
        </MessageBar>
      );
    case 'never':
    default:
      return (
        <Text className={styles.secondary} data-testid="sync-never" data-state={sync.state}>
          Not synced yet.
        </Text>
      );
  }
}

function ScopeEditor({ tenant, orgId, onUpdated }: { tenant: Tenant; orgId: string; onUpdated: (t: Tenant) => void }) {
  const styles = useStyles();
  const labelId = useId();
  const [kind, setKind] = useState<'all' | 'group'>(tenant.scope.kind);
  const [groupId, setGroupId] = useState(tenant.scope.kind === 'group' ? tenant.scope.groupId : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const trimmed = groupId.trim();
  const current = tenant.scope;
  const changed = kind !== current.kind || (kind === 'group' && (current.kind !== 'group' || trimmed.toLowerCase() !== current.groupId.toLowerCase()));
  const valid = kind === 'all' || trimmed !== '';

  const save = async () => {
    if (!changed || !valid || busy) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await setTenantScope(orgId, tenant.id, kind === 'all' ? { kind: 'all' } : { kind: 'group', groupId: trimmed });
      onUpdated(updated);
      setKind(updated.scope.kind);
      setGroupId(updated.scope.kind === 'group' ? updated.scope.groupId : '');
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={styles.panel} aria-labelledby={labelId} data-testid="tenant-scope-editor">
      <div className={styles.panelHead}>
        <Subtitle2 as="h3" id={labelId} className={styles.heading}>
          Who syncs
        </Subtitle2>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <RadioGroup
          aria-labelledby={labelId}
          value={kind}
          onChange={(_, d) => {
            setKind(d.value as 'all' | 'group');
            setSaved(false);
            setError(null);
          }}
          className={styles.radios}
        >
          <Radio value="all" label="Whole tenant" data-testid="scope-all" />
          <Radio value="group" label="Members of one security group" data-testid="scope-group" />
        </RadioGroup>
        {kind === 'group' && (
          <Field
            label="Security group object id"
            hint={
              current.kind === 'group' && trimmed.toLowerCase() === current.groupId.toLowerCase()
                ? `Now: ${current.groupName || current.groupId}`
                : "The group's Object ID, from the Microsoft Entra admin center (Groups › the group › Overview)."
            }
            required
          >
            <Input
              value={groupId}
              placeholder="00000000-0000-0000-0000-000000000000"
              onChange={(_, d) => {
                setGroupId(d.value);
                setSaved(false);
              }}
              className={styles.mono}
              spellCheck={false}
              autoComplete="off"
              data-testid="scope-group-id"
            />
          </Field>
        )}
      </form>
      {error !== null && <ErrorBar title="Couldn't change who syncs" error={error} />}
      <Caption1 className={styles.muted}>
        Changing this makes the next sync a full one: Offramp reads everyone in the new scope again instead of only the changes.
      </Caption1>
      <div className={styles.scopeFooter}>
        <Button
          appearance="primary"
          disabled={!changed || !valid || busy}
          icon={busy ? <Spinner size="tiny" /> : undefined}
          onClick={() => void save()}
          data-testid="scope-save"
        >
          Save scope
        </Button>
        {saved && !changed && (
          <Caption1 className={styles.secondary} data-testid="scope-saved" role="status">
            Saved. The next sync is a full one.
          </Caption1>
        )}
      </div>
    </section>
  );
}

function PermissionsPanel({ tenant, onReconsent, reconsentBusy }: { tenant: Tenant; onReconsent?: () => void; reconsentBusy?: boolean }) {
  const styles = useStyles();
  const labelId = useId();
  const { granted, required, missing } = tenant.permissions;
  const why = (permission: string) => required.find((r) => r.permission === permission)?.why;
  const grantedSet = new Set(granted);
  // Of the permissions Offramp asks for, how many are granted (a tenant may grant others too).
  const grantedRequired = required.filter((r) => grantedSet.has(r.permission)).length;

  return (
    <section className={styles.panel} aria-labelledby={labelId} data-testid="tenant-permissions">
      <div className={styles.panelHead}>
        <Subtitle2 as="h3" id={labelId} className={styles.heading}>
          Permissions
        </Subtitle2>
        <Caption1 className={styles.muted} data-testid="permissions-granted" data-count={grantedRequired}>
          {grantedRequired} of {required.length} granted
        </Caption1>
      </div>
      {missing.length === 0 ? (
        <div className={styles.result} data-testid="permissions-ok">
          <ShieldCheckmarkRegular className={styles.ok} aria-hidden />
          <Text>Every permission Offramp needs is granted.</Text>
        </div>
      ) : (
        <MessageBar intent="warning" layout="multiline" data-testid="permissions-missing" data-count={missing.length}>
          <MessageBarBody>
            <MessageBarTitle>
              {missing.length === 1 ? '1 permission is missing' : `${missing.length} permissions are missing`}
            </MessageBarTitle>
            Offramp can't do the steps that need {missing.length === 1 ? 'it' : 'them'} until an administrator of this tenant grants{' '}
            {missing.length === 1 ? 'it' : 'them'}.
            <ul className={styles.missingList}>
              {missing.map((p) => (
                <li key={p} data-testid="permission-missing" data-permission={p}>
                  <Text className={styles.mono} weight="semibold">
                    {p}
                  </Text>
                  {why(p) ? <Text>: {why(p)}</Text> : null}
                </li>
              ))}
            </ul>
          </MessageBarBody>
          {onReconsent && (
            <MessageBarActions>
              <Button
                icon={reconsentBusy ? <Spinner size="extra-tiny" /> : <ShieldKeyholeRegular />}
                disabled={reconsentBusy}
                onClick={onReconsent}
                data-testid="tenant-reconsent"
              >
                Grant in Microsoft
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      )}
      {required.length > 0 && (
        <Accordion collapsible className={styles.accordion}>
          <AccordionItem value="all">
            <AccordionHeader size="small">What Offramp uses each permission for</AccordionHeader>
            <AccordionPanel>
              <ul className={styles.permList} data-testid="permissions-required">
                {required.map((r) => (
                  <li key={r.permission} className={styles.permItem}>
                    {grantedSet.has(r.permission) ? (
                      <CheckmarkRegular className={styles.permOk} aria-label="Granted" />
                    ) : (
                      <WarningRegular className={styles.warn} aria-label="Missing" />
                    )}
                    <span className={styles.permText}>
                      <Text className={styles.mono}>{r.permission}</Text>
                      <Caption1 className={styles.secondary}>{r.why}</Caption1>
                    </span>
                  </li>
                ))}
              </ul>
            </AccordionPanel>
          </AccordionItem>
        </Accordion>
      )}
    </section>
  );
}

/** One connected (or formerly connected) tenant: who it is, its sync, scope and permissions. */
export function TenantCard({ tenant, orgId, canManage, now, onUpdated, onDisconnected, onReconsent, reconsentBusy }: Props) {
  const styles = useStyles();
  const headingId = useId();
  const syncLabelId = useId();
  const [syncBusy, setSyncBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const [error, setError] = useState<{ title: string; error: unknown } | null>(null);

  const connected = tenant.status === 'connected';
  const syncing = isSyncing(tenant);
  const { sync } = tenant;

  const syncNow = async () => {
    setSyncBusy(true);
    setError(null);
    try {
      onUpdated(await syncTenant(orgId, tenant.id));
    } catch (err) {
      setError({ title: "Couldn't start a sync", error: err });
    } finally {
      setSyncBusy(false);
    }
  };

  const disconnect = async () => {
    setDisconnecting(true);
    setError(null);
    try {
      await disconnectTenant(orgId, tenant.id);
      setConfirming(false);
      onDisconnected(tenant);
    } catch (err) {
      setConfirming(false);
      setError({ title: "Couldn't disconnect the tenant", error: err });
    } finally {
      setDisconnecting(false);
    }
  };

  return (
    <article
      className={mergeClasses(styles.card, !connected && styles.cardMuted)}
      aria-labelledby={headingId}
      data-testid="tenant-card"
      data-tenant-id={tenant.id}
      data-entra-tenant-id={tenant.tenantId}
      data-status={tenant.status}
      data-demo={String(tenant.demo)}
      data-sync-state={sync.state}
    >
      <div className={styles.head}>
        <div className={mergeClasses(styles.icon, !connected && styles.iconMuted)} aria-hidden>
          {connected ? <BuildingRegular /> : <PlugDisconnectedRegular />}
        </div>
        <div className={styles.title}>
          <div className={styles.nameRow}>
            <Subtitle1 as="h2" id={headingId} className={styles.name} data-testid="tenant-name">
              {tenant.displayName}
            </Subtitle1>
            {tenant.demo && (
              <Tooltip content="A simulated tenant on this server: nothing reaches Microsoft." relationship="description">
                <Badge appearance="tint" color="warning" data-testid="tenant-demo-badge">
                  Demo
                </Badge>
              </Tooltip>
            )}
            {!connected && (
              <Badge appearance="outline" color="subtle" data-testid="tenant-disconnected-badge">
                Disconnected
              </Badge>
            )}
          </div>
          <Text className={styles.secondary} data-testid="tenant-domain">
            {tenant.defaultDomain}
          </Text>
        </div>
        {canManage && connected && (
          <div className={styles.actions}>
            <Button
              icon={syncBusy ? <Spinner size="tiny" /> : <ArrowSyncRegular />}
              disabled={syncing || syncBusy}
              onClick={() => void syncNow()}
              data-testid="tenant-sync-now"
            >
              Sync now
            </Button>
            <Button appearance="subtle" icon={<PlugDisconnectedRegular />} onClick={() => setConfirming(true)} data-testid="tenant-disconnect">
              Disconnect
            </Button>
          </div>
        )}
      </div>

      {error && <ErrorBar title={error.title} error={error.error} />}

      <dl className={styles.facts}>
        <div className={styles.fact}>
          <dt className={styles.dt}>Tenant id</dt>
          <dd className={styles.dd}>
            <TenantIdCopy value={tenant.tenantId} />
          </dd>
        </div>
        <div className={styles.fact}>
          <dt className={styles.dt}>Connected</dt>
          <dd className={styles.dd}>
            <time dateTime={tenant.connectedAt} title={formatDateTime(tenant.connectedAt)} data-testid="tenant-connected-at">
              {formatDate(tenant.connectedAt)}
            </time>
          </dd>
        </div>
        <div className={styles.fact}>
          <dt className={styles.dt}>People</dt>
          <dd className={styles.dd} data-testid="tenant-people" data-count={tenant.employeeCount}>
            {people(tenant.employeeCount)} synced
          </dd>
        </div>
        <div className={styles.fact}>
          <dt className={styles.dt}>Scope</dt>
          <dd className={styles.dd} data-testid="tenant-scope" data-kind={tenant.scope.kind}>
            <Text title={tenant.scope.kind === 'group' ? `Group object id ${tenant.scope.groupId}` : undefined}>{scopeLabel(tenant.scope)}</Text>
          </dd>
        </div>
      </dl>

      {!connected ? (
        <Body1 className={styles.secondary} data-testid="tenant-disconnected-note">
          Offramp no longer syncs or acts in this tenant; the people synced before stay listed. An administrator can connect it again by
          consenting again.
        </Body1>
      ) : (
        <>
          <section className={styles.panel} aria-labelledby={syncLabelId} data-testid="tenant-sync">
            <div className={styles.panelHead}>
              <Subtitle2 as="h3" id={syncLabelId} className={styles.heading}>
                Directory sync
              </Subtitle2>
              <span className={styles.grow} />
              {sync.nextRunAt && (
                <Caption1 className={styles.muted} data-testid="sync-next">
                  Next scheduled sync{' '}
                  <time dateTime={sync.nextRunAt} title={formatDateTime(sync.nextRunAt)}>
                    {formatRelative(sync.nextRunAt, now)}
                  </time>
                </Caption1>
              )}
            </div>
            <SyncStatus sync={sync} now={now} />
          </section>

          <div className={styles.columns}>
            {canManage && <ScopeEditor tenant={tenant} orgId={orgId} onUpdated={onUpdated} />}
            <PermissionsPanel tenant={tenant} onReconsent={canManage ? onReconsent : undefined} reconsentBusy={reconsentBusy} />
          </div>
        </>
      )}

      <Dialog open={confirming} onOpenChange={(_, d) => !disconnecting && setConfirming(d.open)}>
        <DialogSurface data-testid="tenant-disconnect-dialog">
          <DialogBody>
            <DialogTitle>Disconnect {tenant.displayName}?</DialogTitle>
            <DialogContent>
              Offramp stops syncing and can no longer act in this tenant; people already synced stay listed. Offboardings that need{' '}
              {tenant.defaultDomain} can't run until an administrator connects it again.
            </DialogContent>
            <DialogActions>
              <DialogTrigger disableButtonEnhancement>
                <Button disabled={disconnecting} data-testid="tenant-disconnect-cancel">
                  Cancel
                </Button>
              </DialogTrigger>
              <Button
                appearance="primary"
                icon={disconnecting ? <Spinner size="tiny" /> : <PlugDisconnectedRegular />}
                disabled={disconnecting}
                onClick={() => void disconnect()}
                data-testid="tenant-disconnect-confirm"
              >
                Disconnect
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </article>
  );
}
