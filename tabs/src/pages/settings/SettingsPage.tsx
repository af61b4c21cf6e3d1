import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Subtitle2,
  Switch,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { BuildingMultipleRegular, SaveRegular } from '@fluentui/react-icons';
import { getSettings, getTemplate, listTasks, saveSettings, saveTemplate, type OffboardingSettings, type TaskInfo, type Template } from '../../api/offboarding';
import { listTenants, type Tenant } from '../../api/tenants';
import { useAppLink } from '../../app/links';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { formatInstant } from '../../app/runs';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { PlanEditor, draftFromSteps, planProblems, stepsFromDraft, type PlanDraft } from '../../components/PlanEditor';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
  },
  sectionHead: { display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  switches: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  footer: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  tenantSelect: { maxWidth: '420px' },
  problems: { margin: 0, paddingInlineStart: '1.2em' },
});

const SWITCHES: { key: keyof OffboardingSettings; label: string; hint: string }[] = [
  {
    key: 'requireApproval',
    label: 'Offboardings need approval',
    hint: 'A run waits for an owner or admin to approve it before it is scheduled. Off: it is scheduled when it is created.',
  },
  {
    key: 'allowApproveOwn',
    label: 'Owners and admins may approve their own requests',
    hint: 'Off: a second person approves every offboarding (four eyes).',
  },
  {
    key: 'proposeFromLeaveDate',
    label: 'Propose an offboarding when a leave date is synced',
    hint: 'When Microsoft 365 gives someone a leave date, Offramp proposes a run for that day, waiting for approval.',
  },
];

function ApprovalSettings({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const styles = useStyles();
  const [saved, setSaved] = useState<OffboardingSettings | null>(null);
  const [draft, setDraft] = useState<OffboardingSettings | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [justSaved, setJustSaved] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(null);
    getSettings(orgId, { signal: controller.signal }).then(
      (s) => {
        setSaved(s);
        setDraft(s);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setLoadError(err);
      },
    );
    return () => controller.abort();
  }, [orgId, attempt]);

  const dirty = saved !== null && draft !== null && SWITCHES.some((s) => saved[s.key] !== draft[s.key]);
  const save = async () => {
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    setJustSaved(false);
    try {
      const s = await saveSettings(orgId, draft);
      setSaved(s);
      setDraft(s);
      setJustSaved(true);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className={styles.section} aria-labelledby="approval-heading" data-testid="settings-approval">
      <div className={styles.sectionHead}>
        <Subtitle2 as="h2" id="approval-heading" className={styles.heading}>
          Approval
        </Subtitle2>
        {!canManage && <Caption1 className={styles.muted}>Only owners and admins can change these.</Caption1>}
      </div>
      {loadError !== null && <ErrorBar title="Couldn't load the settings" error={loadError} onRetry={() => setAttempt((n) => n + 1)} />}
      {!draft && loadError === null && <LoadingState label="Loading the settings…" />}
      {draft && (
        <>
          <div className={styles.switches}>
            {SWITCHES.map((s) => (
              <Field key={s.key} hint={s.hint}>
                <Switch
                  label={s.label}
                  checked={draft[s.key]}
                  disabled={!canManage || saving || (s.key === 'allowApproveOwn' && !draft.requireApproval)}
                  onChange={(_, d) => {
                    setJustSaved(false);
                    setDraft({ ...draft, [s.key]: d.checked });
                  }}
                  data-testid={`settings-${s.key}`}
                />
              </Field>
            ))}
          </div>
          {saveError !== null && <ErrorBar title="The settings weren't saved" error={saveError} />}
          {canManage && (
            <div className={styles.footer}>
              <Button
                appearance="primary"
                icon={saving ? <Spinner size="tiny" /> : <SaveRegular />}
                disabled={!dirty || saving}
                onClick={() => void save()}
                data-testid="settings-save"
              >
                Save
              </Button>
              {dirty && (
                <Button appearance="subtle" disabled={saving} onClick={() => setDraft(saved)}>
                  Discard changes
                </Button>
              )}
              {justSaved && !dirty && (
                <Caption1 className={styles.muted} data-testid="settings-saved">
                  Saved.
                </Caption1>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}

type TemplateState = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; template: Template; draft: PlanDraft };

function TemplateEditor({ orgId, canManage, tenants, catalogue }: { orgId: string; canManage: boolean; tenants: Tenant[]; catalogue: TaskInfo[] }) {
  const styles = useStyles();
  const [tenantId, setTenantId] = useState(tenants[0]?.id ?? '');
  const [state, setState] = useState<TemplateState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [justSaved, setJustSaved] = useState(false);

  useEffect(() => {
    if (!tenantId) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    setSaveError(null);
    setJustSaved(false);
    getTemplate(orgId, tenantId, { signal: controller.signal }).then(
      (template) => setState({ status: 'ready', template, draft: draftFromSteps(catalogue, template.steps) }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [orgId, tenantId, catalogue, attempt]);

  const steps = useMemo(() => (state.status === 'ready' ? stepsFromDraft(catalogue, state.draft) : []), [state, catalogue]);
  const savedSteps = useMemo(
    () => (state.status === 'ready' ? stepsFromDraft(catalogue, draftFromSteps(catalogue, state.template.steps)) : []),
    [state, catalogue],
  );
  const dirty = state.status === 'ready' && JSON.stringify(steps) !== JSON.stringify(savedSteps);
  const problems = state.status === 'ready' ? planProblems(catalogue, state.draft) : [];
  const tenant = tenants.find((t) => t.id === tenantId);

  const save = async () => {
    if (state.status !== 'ready' || problems.length > 0) return;
    setSaving(true);
    setSaveError(null);
    setJustSaved(false);
    try {
      const template = await saveTemplate(orgId, tenantId, steps);
      setState({ status: 'ready', template, draft: draftFromSteps(catalogue, template.steps) });
      setJustSaved(true);
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className={styles.section} aria-labelledby="template-heading" data-testid="settings-template">
      <div className={styles.sectionHead}>
        <Subtitle2 as="h2" id="template-heading" className={styles.heading}>
          Default plan per tenant
        </Subtitle2>
        {!canManage && <Caption1 className={styles.muted}>Only owners and admins can change the default plans.</Caption1>}
      </div>
      <Text className={styles.muted}>
        The tasks the new-offboarding wizard preselects for people of a tenant, and the plan the bot runs when nobody chooses tasks.
      </Text>
      <Field
        label="Tenant"
        className={styles.tenantSelect}
        hint={dirty ? 'Save or discard your changes before you pick another tenant.' : undefined}
      >
        <Select value={tenantId} disabled={dirty || saving} onChange={(_, d) => setTenantId(d.value)} data-testid="template-tenant">
          {tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.displayName} ({t.defaultDomain})
            </option>
          ))}
        </Select>
      </Field>

      {state.status === 'loading' && <LoadingState label="Loading the default plan…" />}
      {state.status === 'error' && <ErrorBar title="Couldn't load the default plan" error={state.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {state.status === 'ready' && (
        <>
          <Caption1 className={styles.muted} data-testid="template-status" data-customised={state.template.customised}>
            {state.template.customised
              ? `Saved${state.template.updatedBy ? ` by ${state.template.updatedBy}` : ''}${state.template.updatedAt ? ` on ${formatInstant(state.template.updatedAt)}` : ''}.`
              : `${tenant?.displayName ?? 'This tenant'} uses Offramp’s built-in default plan: nobody has changed it yet.`}
          </Caption1>
          <PlanEditor
            catalogue={catalogue}
            value={state.draft}
            onChange={(draft) => {
              setJustSaved(false);
              setState({ ...state, draft });
            }}
            personName="each person offboarded with this plan"
            readOnly={!canManage || saving}
          />
          {dirty && problems.length > 0 && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <ul className={styles.problems}>
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </MessageBarBody>
            </MessageBar>
          )}
          {saveError !== null && <ErrorBar title="The default plan wasn't saved" error={saveError} />}
          {canManage && (
            <div className={styles.footer}>
              <Button
                appearance="primary"
                icon={saving ? <Spinner size="tiny" /> : <SaveRegular />}
                disabled={!dirty || saving || problems.length > 0}
                onClick={() => void save()}
                data-testid="template-save"
              >
                Save the default plan
              </Button>
              {dirty && (
                <Button
                  appearance="subtle"
                  disabled={saving}
                  onClick={() => setState({ ...state, draft: draftFromSteps(catalogue, state.template.steps) })}
                  data-testid="template-discard"
                >
                  Discard changes
                </Button>
              )}
              {justSaved && !dirty && (
                <Caption1 className={styles.muted} data-testid="template-saved">
                  Saved: new offboardings of {tenant?.displayName ?? 'this tenant'} start from this plan.
                </Caption1>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}

type Base = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; tenants: Tenant[]; catalogue: TaskInfo[] };

/** /tabs/settings: the organisation's approval rules and each tenant's default plan. */
export function SettingsPage() {
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const canManage = can('settings.manage');
  const tenantsLink = useAppLink('/tenants');
  const [base, setBase] = useState<Base>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  const load = useCallback(
    (signal: AbortSignal) =>
      Promise.all([listTenants(orgId, { signal }), listTasks(orgId, { signal })]).then(
        ([tenants, catalogue]) => setBase({ status: 'ready', tenants: tenants.filter((t) => t.status === 'connected'), catalogue }),
        (error: unknown) => {
          if (!signal.aborted) setBase({ status: 'error', error });
        },
      ),
    [orgId],
  );
  useEffect(() => {
    const controller = new AbortController();
    setBase({ status: 'loading' });
    void load(controller.signal);
    return () => controller.abort();
  }, [load, attempt]);

  return (
    <Page title="Offboarding settings" description={`How offboardings are approved in ${orgName}, and which tasks each tenant runs by default.`}>
      <ApprovalSettings orgId={orgId} canManage={canManage} />
      {base.status === 'loading' && <LoadingState label="Loading the tenants and tasks…" />}
      {base.status === 'error' && <ErrorBar title="Couldn't load the tenants and tasks" error={base.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {base.status === 'ready' && base.tenants.length === 0 && (
        <EmptyState
          icon={<BuildingMultipleRegular />}
          title="No tenant to set a default plan for"
          actions={
            can('tenants.read') ? (
              <Button appearance="primary" as="a" {...tenantsLink}>
                Go to Tenants
              </Button>
            ) : undefined
          }
        >
          Each connected Microsoft 365 tenant has a default plan of its own. Connect a tenant first.
        </EmptyState>
      )}
      {base.status === 'ready' && base.tenants.length > 0 && (
        <TemplateEditor key={orgId} orgId={orgId} canManage={canManage} tenants={base.tenants} catalogue={base.catalogue} />
      )}
    </Page>
  );
}
