import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { BuildingMultipleRegular, DismissRegular, PlugConnectedRegular } from '@fluentui/react-icons';
import { connectDemoTenant, isSyncing, listTenants, startConsent, type Tenant } from '../../api/tenants';
import { CONSENT_PARAMS, consentInTeams, consentOutcome, type ConsentOutcome } from '../../app/consent';
import { useMeta } from '../../app/MetaProvider';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { useHost } from '../../theme/HostThemeProvider';
import { useNow } from './format';
import { TenantCard } from './TenantCard';

/** How often the list is fetched again while a sync is queued or running. */
const POLL_MS = 1000;
/** After a failed poll, wait longer before the next one. */
const POLL_ERROR_MS = 5000;

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL },
  sectionHead: { margin: `${tokens.spacingVerticalS} 0 0` },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Connecting = 'demo' | 'consent' | null;

/** /tabs/tenants: connected Microsoft 365 tenants, their directory sync (live), scope and permissions. */
export function TenantsPage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const canManage = can('tenants.manage');
  const { state: metaState } = useMeta();
  const mode = metaState.status === 'ready' ? metaState.meta.mode : null;
  const { host } = useHost();
  const now = useNow(15_000);

  // Coming back from Microsoft's admin consent: ?connected=<id> or ?consentError=<message>.
  const [searchParams, setSearchParams] = useSearchParams();
  const [outcome, setOutcome] = useState<ConsentOutcome | null>(() => consentOutcome(searchParams));
  useEffect(() => {
    if (!CONSENT_PARAMS.some((name) => searchParams.has(name))) return;
    setSearchParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const name of CONSENT_PARAMS) next.delete(name);
        return next;
      },
      { replace: true },
    );
  }, [searchParams, setSearchParams]);

  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [pollError, setPollError] = useState<unknown>(null);
  const [connecting, setConnecting] = useState<Connecting>(null);
  const [connectError, setConnectError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // A list fetched before a change the page already applied would undo it: drop such answers.
  const changes = useRef(0);

  const fetchList = useCallback(
    async (signal?: AbortSignal): Promise<boolean> => {
      const seen = changes.current;
      const list = await listTenants(orgId, { signal, timeoutMs: 15_000 });
      if (signal?.aborted || seen !== changes.current) return false;
      setTenants(list);
      return true;
    },
    [orgId],
  );

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        await fetchList(signal);
        setLoadError(null);
        setPollError(null);
      } catch (err) {
        if (signal?.aborted) return;
        setLoadError(err);
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [fetchList],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  /** Applies a tenant the server just answered with. */
  const upsert = useCallback((tenant: Tenant) => {
    changes.current += 1;
    setTenants((list) => {
      if (!list) return [tenant];
      return list.some((t) => t.id === tenant.id) ? list.map((t) => (t.id === tenant.id ? tenant : t)) : [...list, tenant];
    });
  }, []);

  // Live progress: while a sync is queued or running, fetch the list every second.
  const syncing = tenants?.some(isSyncing) ?? false;
  useEffect(() => {
    if (!syncing) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let delay = POLL_MS;
      try {
        await fetchList(controller.signal);
        setPollError(null);
      } catch (err) {
        if (controller.signal.aborted) return;
        setPollError(err);
        delay = POLL_ERROR_MS;
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void tick(), delay);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [syncing, fetchList]);

  // Idle: look again once, shortly after the next scheduled sync is due, so it shows up.
  const nextRun = syncing
    ? null
    : (tenants ?? [])
        .filter((t) => t.status === 'connected' && t.sync.nextRunAt)
        .map((t) => new Date(t.sync.nextRunAt as string).getTime())
        .filter((ms) => !Number.isNaN(ms))
        .sort((a, b) => a - b)[0] ?? null;
  useEffect(() => {
    if (nextRun === null) return;
    const due = nextRun - Date.now();
    const delay = due > 0 ? Math.min(due + 2_000, 30 * 60_000) : 60_000;
    const controller = new AbortController();
    const timer = setTimeout(() => void fetchList(controller.signal).catch(() => undefined), delay);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [nextRun, fetchList]);

  const connectDemo = async () => {
    setConnecting('demo');
    setConnectError(null);
    setOutcome(null);
    setNotice(null);
    try {
      const tenant = await connectDemoTenant(orgId);
      upsert(tenant);
      setOutcome({ kind: 'connected', id: tenant.id });
      void fetchList().catch(() => undefined);
    } catch (err) {
      setConnectError(err);
    } finally {
      setConnecting(null);
    }
  };

  const connectMicrosoft = async () => {
    setConnecting('consent');
    setConnectError(null);
    setOutcome(null);
    setNotice(null);
    try {
      const { url } = await startConsent(orgId);
      if (host !== 'teams') {
        window.location.assign(url); // Microsoft brings the administrator back to this page
        return;
      }
      const result = await consentInTeams(url);
      if (result) setOutcome(result);
      await load();
      setConnecting(null);
    } catch (err) {
      setConnectError(err);
      setConnecting(null);
    }
  };

  const onDisconnected = (tenant: Tenant) => {
    changes.current += 1;
    setTenants((list) => list?.map((t) => (t.id === tenant.id ? { ...t, status: 'disconnected' as const } : t)) ?? list);
    setOutcome(null);
    setNotice(`${tenant.displayName} is disconnected. The people synced from it stay listed.`);
    void load();
  };

  const connected = (tenants ?? []).filter((t) => t.status === 'connected');
  const disconnected = (tenants ?? []).filter((t) => t.status !== 'connected');
  const demoMode = mode === 'demo';
  const hasDemo = connected.some((t) => t.demo);

  /** The page's one primary action: the demo tenant on a demo server, admin consent otherwise. */
  const connectButton =
    !canManage || mode === null || (demoMode && hasDemo) ? null : demoMode ? (
      <Button
        appearance="primary"
        icon={connecting === 'demo' ? <Spinner size="tiny" /> : <PlugConnectedRegular />}
        disabled={connecting !== null}
        onClick={() => void connectDemo()}
        data-testid="tenant-connect-demo"
      >
        Connect demo tenant
      </Button>
    ) : (
      <Button
        appearance="primary"
        icon={connecting === 'consent' ? <Spinner size="tiny" /> : <PlugConnectedRegular />}
        disabled={connecting !== null}
        onClick={() => void connectMicrosoft()}
        data-testid="tenant-connect"
      >
        Connect Microsoft 365 tenant
      </Button>
    );

  const connectedTenant = outcome?.kind === 'connected' ? (tenants ?? []).find((t) => t.id === outcome.id || t.tenantId === outcome.id) : undefined;
  const showEmpty = tenants !== null && connected.length === 0;

  return (
    <Page
      title="Tenants"
      description="The Microsoft 365 tenants Offramp works in, who it syncs from each, and what it is allowed to do there."
      actions={tenants !== null && connected.length > 0 ? connectButton : undefined}
    >
      {outcome?.kind === 'connected' && (
        <MessageBar intent="success" layout="multiline" data-testid="tenant-connected" data-tenant-id={outcome.id}>
          <MessageBarBody>
            <MessageBarTitle>Tenant connected</MessageBarTitle>
            {connectedTenant ? connectedTenant.displayName : 'The tenant'} is connected. Offramp is syncing its people now: they appear
            as the sync runs.
          </MessageBarBody>
          <MessageBarActions
            containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={() => setOutcome(null)} />}
          />
        </MessageBar>
      )}
      {outcome?.kind === 'error' && (
        <MessageBar intent="error" layout="multiline" data-testid="consent-error">
          <MessageBarBody>
            <MessageBarTitle>The tenant wasn't connected</MessageBarTitle>
            <span data-testid="consent-error-message">{outcome.message}</span> Try again, or ask a Global Administrator of the tenant to
            consent.
          </MessageBarBody>
          <MessageBarActions
            containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={() => setOutcome(null)} />}
          />
        </MessageBar>
      )}
      {notice && (
        <MessageBar intent="info" data-testid="tenant-notice">
          <MessageBarBody>{notice}</MessageBarBody>
          <MessageBarActions
            containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={() => setNotice(null)} />}
          />
        </MessageBar>
      )}
      {connectError !== null && <ErrorBar title="Couldn't connect the tenant" error={connectError} />}
      {pollError !== null && <ErrorBar title="Couldn't refresh the sync progress; trying again" error={pollError} onRetry={() => void load()} />}
      {loadError !== null && <ErrorBar title="Couldn't load the tenants" error={loadError} onRetry={() => void load()} retrying={loading} />}
      {tenants === null && loading && <LoadingState label="Loading the tenants…" />}

      {showEmpty && (
        <EmptyState
          icon={<BuildingMultipleRegular />}
          title={disconnected.length > 0 ? 'No tenant is connected now' : 'No Microsoft 365 tenant connected yet'}
          plannedLabel="What connecting does"
          planned={[
            ...(demoMode
              ? ['The demo tenant is a simulated Contoso with about 200 people, served by this server: nothing reaches Microsoft.']
              : ["An administrator of the tenant consents to Offramp's multi-tenant app in Microsoft Entra: no passwords or keys to copy."]),
            'Offramp only reads the directory until an offboarding runs, and then acts only on the person being offboarded.',
            'People are synced every 15 minutes: the whole tenant, or only the members of one security group.',
          ]}
          actions={connectButton ?? undefined}
        >
          {demoMode
            ? 'This server runs a demo. Connect the demo tenant to try Offramp; on a production server an administrator connects your real Microsoft 365 tenant by admin consent.'
            : 'Connect the Microsoft 365 tenant your people are in, so Offramp can list them and offboard them.'}
          {!canManage && ` Only owners and admins of ${orgName} can connect a tenant: ask one of them.`}
        </EmptyState>
      )}

      {connected.length > 0 && (
        <div className={styles.list} data-testid="tenant-list">
          {!canManage && (
            <Caption1 className={styles.muted} data-testid="tenants-read-only">
              Only owners and admins can connect tenants, sync them or change who syncs.
            </Caption1>
          )}
          {connected.map((t) => (
            <TenantCard
              key={t.id}
              tenant={t}
              orgId={orgId}
              canManage={canManage}
              now={now}
              onUpdated={upsert}
              onDisconnected={onDisconnected}
              onReconsent={mode === 'production' && !t.demo ? () => void connectMicrosoft() : undefined}
              reconsentBusy={connecting === 'consent'}
            />
          ))}
        </div>
      )}

      {disconnected.length > 0 && (
        <div className={styles.list} data-testid="tenant-list-disconnected">
          <Subtitle2 as="h2" className={styles.sectionHead}>
            Disconnected
          </Subtitle2>
          {disconnected.map((t) => (
            <TenantCard key={t.id} tenant={t} orgId={orgId} canManage={canManage} now={now} onUpdated={upsert} onDisconnected={onDisconnected} />
          ))}
        </div>
      )}
    </Page>
  );
}
