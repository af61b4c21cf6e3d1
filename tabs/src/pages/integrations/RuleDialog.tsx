import { useEffect, useMemo, useState } from 'react';
import { Button, Caption1, Field, Input, Select, Spinner, Subtitle2, Switch, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { EyeRegular } from '@fluentui/react-icons';
import {
  ACTION_KINDS,
  ACTION_LABEL,
  SERVICENOW_TABLES,
  TRIGGERS,
  TRIGGER_LABEL,
  createRule,
  previewDraft,
  previewRule,
  updateRule,
  type ActionInput,
  type ActionKind,
  type RequestPreview,
  type Rule,
  type RuleInput,
  type RulePatch,
  type ServiceNowTable,
  type Trigger,
} from '../../api/integrations';
import { ActionDialog } from '../../components/ActionDialog';
import { ErrorBar } from '../../components/ErrorBar';
import { RequestPreviewView } from './RequestPreviewView';
import { KIND_SHORT } from './format';

const useStyles = makeStyles({
  grid: { display: 'grid', alignItems: 'start', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS, '@media (max-width: 640px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  wideCell: { gridColumn: '1 / -1' },
  current: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  currentText: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground3 },
  previewBox: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM} ${tokens.spacingVerticalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  previewHead: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, minHeight: '32px' },
  stale: { opacity: 0.55 },
});

/** What each kind's address looks like, and where to find it. */
const URL_HELP: Record<Exclude<ActionKind, 'servicenow'>, { placeholder: string; hint: string }> = {
  teams: { placeholder: 'https://contoso.webhook.office.com/webhookb2/…', hint: 'The channel\u2019s incoming webhook (or Workflows "post to a channel") URL. Offramp posts an Adaptive Card.' },
  slack: { placeholder: 'https://hooks.slack.com/services/T000/B000/XXXX', hint: 'The incoming webhook URL of your Slack app. Offramp posts a Block Kit message.' },
  jira: { placeholder: 'https://api-private.atlassian.com/automation/webhooks/jira/a/…', hint: 'The URL of a Jira automation rule with an "Incoming webhook" trigger.' },
  webhook: { placeholder: 'https://example.com/offramp/events', hint: 'Your endpoint. Each request is signed (Standard Webhooks); the signing secret is shown once, after saving.' },
};

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

interface Form {
  name: string;
  trigger: Trigger;
  kind: ActionKind;
  url: string;
  instanceUrl: string;
  table: ServiceNowTable;
  authHeader: string;
  authValue: string;
  closeOn: Trigger | '';
  windowDays: string;
}

function initialForm(rule: Rule | null): Form {
  return {
    name: rule?.name ?? '',
    trigger: rule?.trigger ?? 'offboarding.completed',
    kind: rule?.action.kind ?? 'teams',
    url: '',
    instanceUrl: '',
    table: rule?.action.table ?? 'incident',
    authHeader: rule?.action.authHeader ?? 'Authorization',
    authValue: '',
    closeOn: rule?.action.closeOn ?? '',
    windowDays: String(rule?.queueWindowDays ?? 30),
  };
}

/** The form's action, or null while it is incomplete. */
function actionOf(f: Form): ActionInput | null {
  if (f.kind === 'servicenow') {
    if (!f.instanceUrl.trim() || !HEADER_NAME.test(f.authHeader.trim()) || !f.authValue.trim()) return null;
    return { kind: 'servicenow', instanceUrl: f.instanceUrl.trim(), table: f.table, authHeader: f.authHeader.trim(), authValue: f.authValue.trim(), closeOn: f.closeOn || null };
  }
  return f.url.trim() ? { kind: f.kind, url: f.url.trim() } : null;
}

function windowOf(f: Form): number | null {
  const n = Number(f.windowDays);
  return Number.isInteger(n) && n >= 1 && n <= 365 ? n : null;
}

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; key: string }
  | { status: 'ready'; key: string; preview: RequestPreview; saved: boolean }
  | { status: 'error'; key: string; error: unknown };

export interface RuleDialogProps {
  open: boolean;
  onClose: () => void;
  orgId: string;
  /** The rule to change, or null for a new one. */
  rule: Rule | null;
  onSaved: (saved: { rule: Rule; secret: string | null }, created: boolean) => void;
}

/** "New rule" and "Edit rule": what happens, where it goes, and the exact request before saving. */
export function RuleDialog({ open, onClose, orgId, rule, onSaved }: RuleDialogProps) {
  const styles = useStyles();
  const editing = rule !== null;
  const [form, setForm] = useState<Form>(() => initialForm(rule));
  const [changeTarget, setChangeTarget] = useState(!editing);
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });

  useEffect(() => {
    if (!open) return;
    setForm(initialForm(rule));
    setChangeTarget(rule === null);
    setPreview({ status: 'idle' });
  }, [open, rule]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const queue = form.trigger === 'queue.entered';
  const windowDays = windowOf(form);
  const action = changeTarget ? actionOf(form) : null;
  const actionOk = !changeTarget || action !== null;
  const windowOk = !queue || windowDays !== null;

  const patch = useMemo((): RulePatch => {
    if (!rule) return {};
    const p: RulePatch = {};
    if (form.name.trim() !== rule.name) p.name = form.name.trim();
    if (form.trigger !== rule.trigger) p.trigger = form.trigger;
    if (queue && windowDays !== null && windowDays !== rule.queueWindowDays) p.queueWindowDays = windowDays;
    if (changeTarget && action) p.action = action;
    return p;
  }, [rule, form, queue, windowDays, changeTarget, action]);

  const canSubmit = form.name.trim() !== '' && actionOk && windowOk && (!editing || Object.keys(patch).length > 0);
  const canPreview = actionOk && windowOk;
  // What the preview was made from: when the form moves on, the preview says it is out of date.
  const previewKey = JSON.stringify({ trigger: form.trigger, action, windowDays: queue ? windowDays : null, changeTarget });
  const stale = preview.status === 'ready' && preview.key !== previewKey;

  const draft = (): RuleInput => ({
    name: form.name.trim() || 'Untitled rule',
    trigger: form.trigger,
    action: action!,
    ...(queue && windowDays !== null ? { queueWindowDays: windowDays } : {}),
  });

  const showPreview = async () => {
    const key = previewKey;
    setPreview({ status: 'loading', key });
    try {
      const p = changeTarget ? await previewDraft(orgId, draft()) : await previewRule(orgId, rule!.id);
      setPreview({ status: 'ready', key, preview: p, saved: !changeTarget });
    } catch (error) {
      setPreview({ status: 'error', key, error });
    }
  };

  const submit = async () => {
    if (!rule) {
      const created = await createRule(orgId, draft());
      onSaved(created, true);
      return;
    }
    onSaved({ rule: await updateRule(orgId, rule.id, patch), secret: null }, false);
  };

  const urlHelp = form.kind === 'servicenow' ? null : URL_HELP[form.kind];

  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={editing ? `Edit "${rule.name}"` : 'New rule'}
      submitLabel={editing ? 'Save changes' : 'Create rule'}
      onSubmit={submit}
      canSubmit={canSubmit}
      testId="rule"
      wide
    >
      <Text className={styles.muted}>When something happens in Offramp, the rule sends one request to another tool. Failed deliveries are retried for about three days.</Text>
      <div className={styles.grid}>
        <Field label="Name" required className={styles.wideCell}>
          <Input value={form.name} onChange={(_, d) => set('name', d.value)} maxLength={120} placeholder="Tell #it-offboarding" autoFocus data-testid="rule-form-name" />
        </Field>
        <Field label="When" required className={queue ? undefined : styles.wideCell}>
          <Select value={form.trigger} onChange={(_, d) => set('trigger', d.value as Trigger)} data-testid="rule-form-trigger">
            {TRIGGERS.map((t) => (
              <option key={t} value={t}>
                {TRIGGER_LABEL[t]}
              </option>
            ))}
          </Select>
        </Field>
        {queue && (
          <Field label="Look-ahead (days)" required validationMessage={windowOk ? undefined : 'A whole number from 1 to 365'} hint="Sent once per leaver, this many days before their leave date.">
            <Input type="number" min={1} max={365} value={form.windowDays} onChange={(_, d) => set('windowDays', d.value)} data-testid="rule-form-window" />
          </Field>
        )}
      </div>

      {editing && (
        <div className={styles.current} data-testid="rule-form-current">
          <div className={styles.currentText}>
            <Caption1 className={styles.muted}>Sends to {KIND_SHORT[rule.action.kind]}</Caption1>
            <span className={styles.mono}>{rule.action.target}</span>
          </div>
          <Switch
            label="Change where it sends"
            checked={changeTarget}
            onChange={(_, d) => {
              setChangeTarget(d.checked);
              if (d.checked) setForm((f) => ({ ...f, kind: rule.action.kind }));
            }}
            data-testid="rule-form-change-target"
          />
        </div>
      )}

      {changeTarget && (
        <div className={styles.grid}>
          {editing && (
            <Caption1 className={mergeClasses(styles.muted, styles.wideCell)}>
              Addresses and credentials are never shown again once saved: enter them anew.{rule.action.kind === 'webhook' ? ' A signed webhook keeps its signing secret.' : ''}
            </Caption1>
          )}
          <Field label="Send to" required className={styles.wideCell}>
            <Select value={form.kind} onChange={(_, d) => set('kind', d.value as ActionKind)} data-testid="rule-form-kind">
              {ACTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {ACTION_LABEL[k]}
                </option>
              ))}
            </Select>
          </Field>
          {urlHelp ? (
            <Field label="Webhook URL" required hint={urlHelp.hint} className={styles.wideCell}>
              <Input inputMode="url" spellCheck={false} value={form.url} onChange={(_, d) => set('url', d.value)} placeholder={urlHelp.placeholder} maxLength={2000} data-testid="rule-form-url" />
            </Field>
          ) : (
            <>
              <Field label="Instance URL" required hint="Your ServiceNow instance; Offramp uses its Table API." className={styles.wideCell}>
                <Input inputMode="url" spellCheck={false} value={form.instanceUrl} onChange={(_, d) => set('instanceUrl', d.value)} placeholder="https://contoso.service-now.com" maxLength={2000} data-testid="rule-form-instance" />
              </Field>
              <Field label="Table" required>
                <Select value={form.table} onChange={(_, d) => set('table', d.value as ServiceNowTable)} data-testid="rule-form-table">
                  {SERVICENOW_TABLES.map((t) => (
                    <option key={t} value={t}>
                      {t === 'incident' ? 'Incident (incident)' : 'Catalog task (sc_task)'}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Close the record when" hint="Optional: a later event that closes the record this rule opened for the same person.">
                <Select value={form.closeOn} onChange={(_, d) => set('closeOn', d.value as Trigger | '')} data-testid="rule-form-close-on">
                  <option value="">Never: people close it</option>
                  {TRIGGERS.filter((t) => t !== form.trigger).map((t) => (
                    <option key={t} value={t}>
                      {TRIGGER_LABEL[t]}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field
                label="Auth header"
                required
                validationMessage={form.authHeader.trim() === '' || HEADER_NAME.test(form.authHeader.trim()) ? undefined : 'A header name such as Authorization or x-sn-apikey'}
              >
                <Input value={form.authHeader} onChange={(_, d) => set('authHeader', d.value)} maxLength={64} data-testid="rule-form-auth-header" />
              </Field>
              <Field label="Auth value" required hint='E.g. "Basic …" or "Bearer …". Stored encrypted, never shown again.'>
                <Input type="password" value={form.authValue} onChange={(_, d) => set('authValue', d.value)} autoComplete="off" maxLength={4000} data-testid="rule-form-auth-value" />
              </Field>
            </>
          )}
        </div>
      )}

      <section className={styles.previewBox} aria-label="Preview request" data-testid="rule-form-preview-box">
        <div className={styles.previewHead}>
          <Subtitle2 as="h3">Preview request</Subtitle2>
          <Button
            size="small"
            icon={preview.status === 'loading' ? <Spinner size="extra-tiny" /> : <EyeRegular />}
            disabled={!canPreview || preview.status === 'loading'}
            onClick={() => void showPreview()}
            data-testid="rule-form-preview"
          >
            {preview.status === 'ready' ? 'Update preview' : 'Preview request'}
          </Button>
        </div>
        {preview.status === 'idle' && (
          <Caption1 className={styles.muted}>
            {canPreview ? 'See exactly what this rule sends for a sample event, secrets hidden, before you save.' : 'Fill in where it sends to see the exact request.'}
          </Caption1>
        )}
        {preview.status === 'error' && <ErrorBar title="Couldn't preview the request" error={preview.error} />}
        {preview.status === 'ready' && (
          <>
            {(stale || (preview.saved && form.trigger !== rule?.trigger)) && (
              <Caption1 className={styles.muted} data-testid="rule-form-preview-stale">
                {stale ? 'The form changed since this preview: update it to see the new request.' : 'This is the saved rule\u2019s request: the new trigger\u2019s message is sent once you save.'}
              </Caption1>
            )}
            <div className={stale ? styles.stale : undefined}>
              <RequestPreviewView preview={preview.preview} maxBodyHeight="240px" credentialHeader={preview.saved ? rule?.action.authHeader : form.kind === 'servicenow' ? form.authHeader : null} />
            </div>
          </>
        )}
      </section>
    </ActionDialog>
  );
}
