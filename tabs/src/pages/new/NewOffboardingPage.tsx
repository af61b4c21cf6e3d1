import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import {
  Badge,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeftRegular, ArrowRightRegular, BuildingMultipleRegular, CheckmarkRegular, LockClosedRegular, PersonArrowRightRegular } from '@fluentui/react-icons';
import {
  createBulkRuns,
  createBulkRunsFromCsv,
  createRun,
  getSettings,
  getTemplate,
  listEmployees,
  listTasks,
  previewRun,
  type BulkResult,
  type Employee,
  type OffboardingSettings,
  type PlanStep,
  type Preview,
  type TaskInfo,
  type Template,
} from '../../api/offboarding';
import { listTenants, type Tenant } from '../../api/tenants';
import { useAppLink } from '../../app/links';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { formatWhen } from '../../app/runs';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { PlanEditor, draftFromSteps, planProblems, stepsFromDraft, type PlanDraft } from '../../components/PlanEditor';
import { PreviewView } from '../../components/PreviewView';
import { StepIndicator } from '../../components/StepIndicator';
import { WhenPicker, defaultWhen, toWhen, whenProblem, type WhenDraft } from '../../components/WhenPicker';
import { formatNumber } from '../tenants/format';
import { PeopleStep, csvUpns, type CsvDraft, type PeopleMode } from './PeopleStep';

type StepId = 'tenant' | 'people' | 'tasks' | 'preview' | 'when';
const STEPS: { id: StepId; label: string }[] = [
  { id: 'tenant', label: 'Tenant' },
  { id: 'people', label: 'People' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'preview', label: 'Preview' },
  { id: 'when', label: 'When' },
];

/** What the Offboardings list shows after a bulk submit (router state). */
export interface BulkNavigationState {
  bulk: BulkResult;
}

const useStyles = makeStyles({
  panel: {
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
  panelHead: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  secondary: { color: tokens.colorNeutralForeground2 },
  footer: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  footerEnd: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, marginInlineStart: 'auto' },
  tenants: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  tenant: {
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  tenantOn: { border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  tenantLabel: { display: 'flex', flexDirection: 'column', rowGap: '2px' },
  tenantName: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  problems: { margin: 0, paddingInlineStart: '1.2em' },
  summary: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  templateNote: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
});

type Base =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; tenants: Tenant[]; catalogue: TaskInfo[]; settings: OffboardingSettings | null };

interface Plan {
  tenantId: string;
  template: Template;
  draft: PlanDraft;
}

type PreviewState =
  | { key: string; status: 'idle' }
  | { key: string; status: 'loading' }
  | { key: string; status: 'ready'; preview: Preview }
  | { key: string; status: 'unmatched'; upn: string }
  | { key: string; status: 'error'; error: unknown };

const samePlan = (a: PlanStep[], b: PlanStep[]) => JSON.stringify(a) === JSON.stringify(b);

/** /tabs/new: the offboarding wizard (tenant → people → tasks → preview → when). */
export function NewOffboardingPage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const canTrigger = can('offboarding.trigger');
  const navigate = useNavigate();
  const tenantsLink = useAppLink('/tenants');
  const listLink = useAppLink('/offboardings');

  const [base, setBase] = useState<Base>({ status: 'loading' });
  const [baseAttempt, setBaseAttempt] = useState(0);
  const [step, setStep] = useState<StepId>('tenant');
  const [tenantId, setTenantId] = useState<string | null>(null);
  const [mode, setMode] = useState<PeopleMode>('single');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Employee[]>([]);
  const [csv, setCsv] = useState<CsvDraft>({ fileName: null, text: '' });
  const [plan, setPlan] = useState<Plan | null>(null);
  const [templateError, setTemplateError] = useState<unknown>(null);
  const [templateAttempt, setTemplateAttempt] = useState(0);
  const [preview, setPreview] = useState<PreviewState>({ key: '', status: 'idle' });
  const [previewAttempt, setPreviewAttempt] = useState(0);
  const [when, setWhen] = useState<WhenDraft>(() => defaultWhen());
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);

  // What every step needs: the tenants, the task catalogue and the approval rules.
  useEffect(() => {
    const controller = new AbortController();
    const opts = { signal: controller.signal };
    setBase({ status: 'loading' });
    Promise.all([listTenants(orgId, opts), listTasks(orgId, opts), getSettings(orgId, opts).catch(() => null)]).then(
      ([tenants, catalogue, settings]) => {
        setBase({ status: 'ready', tenants, catalogue, settings });
        const connected = tenants.filter((t) => t.status === 'connected');
        if (connected.length === 1) setTenantId((id) => id ?? connected[0]!.id);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setBase({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [orgId, baseAttempt]);

  const catalogue = useMemo(() => (base.status === 'ready' ? base.catalogue : []), [base]);
  const connected = useMemo(() => (base.status === 'ready' ? base.tenants.filter((t) => t.status === 'connected') : []), [base]);
  const tenant = connected.find((t) => t.id === tenantId) ?? null;
  const settings = base.status === 'ready' ? base.settings : null;

  // The tenant's default plan, preselected (again only when the tenant changes).
  useEffect(() => {
    if (base.status !== 'ready' || !tenantId || plan?.tenantId === tenantId) return;
    const controller = new AbortController();
    setTemplateError(null);
    getTemplate(orgId, tenantId, { signal: controller.signal }).then(
      (template) => setPlan({ tenantId, template, draft: draftFromSteps(base.catalogue, template.steps) }),
      (error: unknown) => {
        if (!controller.signal.aborted) setTemplateError(error);
      },
    );
    return () => controller.abort();
  }, [orgId, base, tenantId, plan?.tenantId, templateAttempt]);

  const planReady = plan !== null && plan.tenantId === tenantId;
  const steps = useMemo(() => (planReady ? stepsFromDraft(catalogue, plan.draft) : []), [planReady, plan, catalogue]);
  const problems = planReady ? planProblems(catalogue, plan.draft) : [];
  // Every row of the CSV (the server's errors count them), and the ones naming someone.
  const csvRows = useMemo(() => csvUpns(csv.text), [csv.text]);
  const upns = useMemo(() => csvRows.filter(Boolean), [csvRows]);
  const bulk = mode !== 'single';
  const count = mode === 'csv' ? upns.length : selected.length;
  const firstPerson = mode === 'csv' ? (upns[0] ?? null) : (selected[0]?.displayName ?? null);
  const personName = mode === 'single' && selected[0] ? selected[0].displayName : 'each person offboarded';
  const planEdited = planReady && !samePlan(steps, stepsFromDraft(catalogue, draftFromSteps(catalogue, plan.template.steps)));
  // A CSV whose plan nobody changed runs each person's own tenant's default plan (POST bulk.csv).
  const sentSteps = mode === 'csv' && !planEdited ? undefined : steps;

  // The preview of the first person, taken again whenever the person or the plan changes.
  const previewSubject = mode === 'csv' ? (upns[0] ? `upn:${upns[0]}` : '') : (selected[0]?.id ?? '');
  const previewKey = JSON.stringify({ previewSubject, steps: sentSteps ?? null, previewAttempt });
  useEffect(() => {
    if (step !== 'preview' || !previewSubject || preview.key === previewKey) return;
    const controller = new AbortController();
    const signal = controller.signal;
    setPreview({ key: previewKey, status: 'loading' });
    (async () => {
      let employeeId = selected[0]?.id;
      if (mode === 'csv') {
        const upn = upns[0]!;
        const found = await listEmployees(orgId, { search: upn, limit: 10 }, { signal });
        const match = found.employees.find((e) => e.userPrincipalName.toLowerCase() === upn.toLowerCase());
        if (!match) {
          setPreview({ key: previewKey, status: 'unmatched', upn });
          return;
        }
        employeeId = match.id;
      }
      const result = await previewRun(orgId, { employeeId: employeeId!, steps: sentSteps }, { signal });
      setPreview({ key: previewKey, status: 'ready', preview: result });
    })().catch((error: unknown) => {
      if (!signal.aborted) setPreview({ key: previewKey, status: 'error', error });
    });
    return () => {
      controller.abort();
      // Left before the answer came: take it again on coming back.
      setPreview((p) => (p.key === previewKey && p.status === 'loading' ? { key: '', status: 'idle' } : p));
    };
    // `preview.key` is what this effect sets: only a new key (person, plan or a retry) starts another preview.
  }, [step, previewKey, orgId]);

  const chooseTenant = (id: string) => {
    if (id === tenantId) return;
    setTenantId(id);
    setSelected([]);
    setSearch('');
    setTemplateError(null);
  };
  const chooseMode = (next: PeopleMode) => {
    setMode(next);
    if (next === 'single' && selected.length > 1) setSelected(selected.slice(0, 1));
  };

  const canLeave: Record<StepId, boolean> = {
    tenant: tenant !== null,
    people: mode === 'single' ? selected.length === 1 : count > 0,
    tasks: planReady && problems.length === 0,
    preview: preview.key === previewKey && (preview.status === 'ready' || preview.status === 'unmatched'),
    when: whenProblem(when) === null,
  };
  const at = STEPS.findIndex((s) => s.id === step);
  const go = (id: StepId) => {
    setSubmitError(null);
    setStep(id);
    window.scrollTo?.({ top: 0 });
  };
  const next = () => STEPS[at + 1] && go(STEPS[at + 1]!.id);
  const back = () => STEPS[at - 1] && go(STEPS[at - 1]!.id);

  const submit = async () => {
    if (whenProblem(when) !== null) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const w = toWhen(when);
      if (mode === 'single') {
        const run = await createRun(orgId, { employeeId: selected[0]!.id, steps, when: w });
        navigate(`/offboardings/${encodeURIComponent(run.id)}`);
        return;
      }
      const result =
        mode === 'bulk'
          ? await createBulkRuns(orgId, { employeeIds: selected.map((e) => e.id), steps, when: w })
          : sentSteps
            ? await createBulkRuns(orgId, { upns: csvRows, steps: sentSteps, when: w })
            : await createBulkRunsFromCsv(orgId, csv.text, w);
      navigate(`/offboardings?bulk=${encodeURIComponent(result.bulkId)}`, { state: { bulk: result } satisfies BulkNavigationState });
    } catch (err) {
      setSubmitError(err);
      setSubmitting(false);
    }
  };

  const description = 'Choose who is leaving, which tasks to run and when their access ends. Nothing changes until you submit.';

  if (base.status === 'loading') {
    return (
      <Page title="New offboarding" description={description}>
        <LoadingState label="Loading your tenants and tasks…" />
      </Page>
    );
  }
  if (base.status === 'error') {
    return (
      <Page title="New offboarding" description={description}>
        <ErrorBar title="Couldn't load what the wizard needs" error={base.error} onRetry={() => setBaseAttempt((n) => n + 1)} />
      </Page>
    );
  }
  if (!canTrigger) {
    return (
      <Page title="New offboarding" description={description}>
        <EmptyState icon={<LockClosedRegular />} title="Your role can't start offboardings">
          Starting an offboarding needs a manager, admin or owner of {orgName}. You can follow every offboarding on the Offboardings page.
        </EmptyState>
      </Page>
    );
  }
  if (connected.length === 0) {
    return (
      <Page title="New offboarding" description={description}>
        <EmptyState
          icon={<BuildingMultipleRegular />}
          title="Connect a Microsoft 365 tenant first"
          actions={
            can('tenants.read') ? (
              <Button appearance="primary" as="a" {...tenantsLink}>
                Go to Tenants
              </Button>
            ) : undefined
          }
        >
          Offramp offboards people it has synced from a connected tenant, and {orgName} has none connected yet.
          {!can('tenants.manage') && ' An owner or admin can connect one.'}
        </EmptyState>
      </Page>
    );
  }

  const approvalNote = settings?.requireApproval
    ? can('offboarding.approve') && settings.allowApproveOwn
      ? 'It waits for an approver first; you may approve it yourself on the next page.'
      : 'It waits for an owner or admin to approve it before anything changes.'
    : when.kind === 'now'
      ? 'It starts as soon as you submit.'
      : 'It runs at the time you chose.';
  const submitLabel = settings?.requireApproval
    ? 'Send for approval'
    : when.kind === 'now'
      ? bulk
        ? 'Start the offboardings'
        : 'Start offboarding'
      : bulk
        ? 'Schedule the offboardings'
        : 'Schedule offboarding';

  let panel: ReactNode;
  let heading: string;
  let intro: ReactNode;
  switch (step) {
    case 'tenant':
      heading = 'Which tenant are they in?';
      intro = 'Offramp works on the people it has synced from each connected tenant.';
      panel = (
        <RadioGroup value={tenantId ?? ''} onChange={(_, d) => chooseTenant(d.value)} className={styles.tenants} aria-label="Tenant">
          {connected.map((t) => (
            <Radio
              key={t.id}
              value={t.id}
              className={mergeClasses(styles.tenant, t.id === tenantId && styles.tenantOn)}
              data-testid="tenant-option"
              data-tenant-id={t.id}
              label={
                <span className={styles.tenantLabel}>
                  <span className={styles.tenantName}>
                    <Text weight="semibold">{t.displayName}</Text>
                    {t.demo && (
                      <Badge appearance="tint" color="informative" size="small">
                        Demo
                      </Badge>
                    )}
                  </span>
                  <Caption1 className={styles.muted}>
                    {t.defaultDomain} · {formatNumber(t.employeeCount)} {t.employeeCount === 1 ? 'person' : 'people'} synced
                    {t.scope.kind === 'group' ? ` from ${t.scope.groupName}` : ''}
                  </Caption1>
                </span>
              }
            />
          ))}
        </RadioGroup>
      );
      break;
    case 'people':
      heading = 'Who is leaving?';
      intro = 'Search for one person, choose several for a bulk offboarding, or upload a CSV of user principal names.';
      panel = tenant && (
        <PeopleStep
          orgId={orgId}
          tenantId={tenant.id}
          tenantName={tenant.displayName}
          mode={mode}
          onMode={chooseMode}
          search={search}
          onSearch={setSearch}
          selected={selected}
          onSelected={setSelected}
          csv={csv}
          onCsv={setCsv}
        />
      );
      break;
    case 'tasks':
      heading = 'Which tasks?';
      intro = `Preselected from ${tenant?.displayName ?? 'the tenant'}’s default plan. Tick or untick tasks and change their options for ${mode === 'single' ? personName : 'these people'}.`;
      panel = (
        <>
          {templateError !== null && (
            <ErrorBar title="Couldn't load the tenant's default plan" error={templateError} onRetry={() => setTemplateAttempt((n) => n + 1)} />
          )}
          {!planReady && templateError === null && <LoadingState label="Loading the default plan…" />}
          {planReady && (
            <>
              {mode === 'csv' && (
                <MessageBar intent="info" layout="multiline" data-testid="csv-plan-note" data-edited={planEdited}>
                  <MessageBarBody>
                    {planEdited
                      ? 'Everyone in the file gets exactly these tasks, whichever tenant they are in.'
                      : 'As it stands, each person in the file gets the default plan of their own tenant. Change a task here and everyone in the file gets these tasks instead.'}
                  </MessageBarBody>
                </MessageBar>
              )}
              <div className={styles.templateNote}>
                <Caption1 className={styles.muted} data-testid="template-source">
                  {plan.template.customised
                    ? `Default plan of ${tenant?.displayName ?? 'the tenant'}${plan.template.updatedBy ? `, saved by ${plan.template.updatedBy}` : ''}.`
                    : 'Offramp’s built-in default plan (nobody has changed it for this tenant).'}
                  {planEdited ? ' You changed it for this offboarding.' : ''}
                </Caption1>
                {planEdited && (
                  <Button
                    size="small"
                    appearance="subtle"
                    onClick={() => setPlan({ ...plan, draft: draftFromSteps(catalogue, plan.template.steps) })}
                    data-testid="plan-reset"
                  >
                    Back to the default plan
                  </Button>
                )}
              </div>
              <PlanEditor
                catalogue={catalogue}
                value={plan.draft}
                onChange={(draft) => setPlan({ ...plan, draft })}
                personName={personName}
              />
            </>
          )}
        </>
      );
      break;
    case 'preview':
      heading = 'What will change';
      intro = 'Read from Microsoft 365 now: exactly what each step would change. Nothing has changed yet.';
      panel = (
        <>
          {bulk && firstPerson && (
            <MessageBar intent="info" layout="multiline" data-testid="preview-bulk-note">
              <MessageBarBody>
                This previews the first person only, {firstPerson}. The other {count - 1 === 1 ? 'person gets' : `${formatNumber(count - 1)} people get`} the
                same plan; each run keeps its own preview, taken when it is created.
              </MessageBarBody>
            </MessageBar>
          )}
          {(preview.key !== previewKey || preview.status === 'loading' || preview.status === 'idle') && (
            <LoadingState label="Reading from Microsoft 365…" testId="preview-loading" />
          )}
          {preview.key === previewKey && preview.status === 'error' && (
            <ErrorBar title="Couldn't preview the offboarding" error={preview.error} onRetry={() => setPreviewAttempt((n) => n + 1)} />
          )}
          {preview.key === previewKey && preview.status === 'unmatched' && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>No preview for the first line</MessageBarTitle>
                {preview.upn} is not among the people Offramp has synced, so there is nothing to preview. The server checks every line
                when you submit and lists the ones it can't match.
              </MessageBarBody>
            </MessageBar>
          )}
          {preview.key === previewKey && preview.status === 'ready' && <PreviewView preview={preview.preview} />}
        </>
      );
      break;
    case 'when':
      heading = 'When?';
      intro = 'Now, or at a set time in the time zone where they work (their last day at 17:00, say).';
      panel = (
        <>
          <WhenPicker value={when} onChange={setWhen} disabled={submitting} nowLabel={settings?.requireApproval ? 'As soon as it is approved' : 'Now'} />
          <dl className={styles.summary} data-testid="wizard-summary">
            <dt className={styles.dt}>Tenant</dt>
            <dd className={styles.dd}>{tenant?.displayName}</dd>
            <dt className={styles.dt}>{bulk ? 'People' : 'Person'}</dt>
            <dd className={styles.dd}>
              {mode === 'single'
                ? `${selected[0]?.displayName ?? ''} (${selected[0]?.userPrincipalName ?? ''})`
                : `${formatNumber(count)} ${count === 1 ? 'person' : 'people'}${mode === 'csv' ? ` from ${csv.fileName ?? 'the pasted list'}` : ''}`}
            </dd>
            <dt className={styles.dt}>Tasks</dt>
            <dd className={styles.dd}>
              {steps.length} {steps.length === 1 ? 'task' : 'tasks'}
              {planEdited ? ' (changed from the default plan)' : mode === 'csv' ? ' (each tenant’s default plan)' : ''}
            </dd>
            <dt className={styles.dt}>When</dt>
            <dd className={styles.dd}>
              {whenProblem(when) !== null ? '—' : when.kind === 'now' && settings?.requireApproval ? 'As soon as it is approved' : formatWhen(toWhen(when))}
            </dd>
          </dl>
          <Text className={styles.secondary}>{approvalNote}</Text>
          {submitError !== null && <ErrorBar title="The offboarding wasn't created" error={submitError} />}
        </>
      );
      break;
  }

  const blockers = step === 'tasks' && planReady ? problems : [];

  return (
    <Page
      title="New offboarding"
      description={description}
      actions={
        <Button as="a" appearance="subtle" {...listLink}>
          All offboardings
        </Button>
      }
    >
      <StepIndicator steps={STEPS} current={step} onSelect={submitting ? undefined : go} />
      <section className={styles.panel} aria-labelledby="wizard-heading" data-testid="wizard-panel" data-step={step}>
        <div className={styles.panelHead}>
          <Subtitle2 as="h2" id="wizard-heading" className={styles.heading}>
            {heading}
          </Subtitle2>
          <Caption1 className={styles.muted}>{intro}</Caption1>
        </div>
        {panel}
        {blockers.length > 0 && (
          <MessageBar intent="warning" layout="multiline" data-testid="wizard-problems">
            <MessageBarBody>
              <MessageBarTitle>Fix this to go on</MessageBarTitle>
              <ul className={styles.problems}>
                {blockers.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </MessageBarBody>
          </MessageBar>
        )}
        <div className={styles.footer}>
          {at > 0 && (
            <Button icon={<ArrowLeftRegular />} onClick={back} disabled={submitting} data-testid="wizard-back">
              Back
            </Button>
          )}
          <div className={styles.footerEnd}>
            {step === 'people' && count > 0 && (
              <Caption1 className={styles.muted}>{mode === 'single' ? selected[0]?.displayName : `${formatNumber(count)} ${count === 1 ? 'person' : 'people'}`}</Caption1>
            )}
            {step !== 'when' ? (
              <Button appearance="primary" icon={<ArrowRightRegular />} iconPosition="after" disabled={!canLeave[step]} onClick={next} data-testid="wizard-next">
                Next
              </Button>
            ) : (
              <Button
                appearance="primary"
                icon={submitting ? <Spinner size="tiny" /> : settings?.requireApproval ? <PersonArrowRightRegular /> : <CheckmarkRegular />}
                disabled={!canLeave.when || submitting}
                onClick={() => void submit()}
                data-testid="wizard-submit"
              >
                {submitting ? 'Submitting…' : submitLabel}
              </Button>
            )}
          </div>
        </div>
      </section>
      {step === 'tenant' && connected.length > 0 && (
        <Caption1 className={styles.muted}>
          A tenant is missing?{' '}
          <Link {...tenantsLink}>
            Connect it on the Tenants page
          </Link>
          .
        </Caption1>
      )}
    </Page>
  );
}

