import { useCallback, useEffect, useState, type ReactNode } from 'react';
import {
  Badge,
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Switch,
  Text,
  ToggleButton,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import {
  AddRegular,
  ChatRegular,
  DeleteRegular,
  DismissRegular,
  EditRegular,
  EyeRegular,
  HistoryRegular,
  KeyResetRegular,
  PeopleTeamRegular,
  PlugConnectedRegular,
  SendRegular,
  ShieldKeyholeRegular,
  TicketDiagonalRegular,
  WarningRegular,
  WrenchRegular,
} from '@fluentui/react-icons';
import {
  ACTION_KINDS,
  ACTION_LABEL,
  TRIGGER_LABEL,
  deleteRule,
  listRules,
  previewRule,
  rotateSecret,
  sendTest,
  setRuleEnabled,
  type ActionKind,
  type Delivery,
  type RequestPreview,
  type Rule,
} from '../../api/integrations';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { formatInstant } from '../../app/runs';
import { ActionDialog } from '../../components/ActionDialog';
import { CopyField } from '../../components/CopyField';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { ConfirmDialog } from '../offboardings/RunDialogs';
import { DeliveryLog } from './DeliveryLog';
import { RequestPreviewView } from './RequestPreviewView';
import { RuleDialog } from './RuleDialog';
import { KIND_SHORT, attemptOk, deliveryStatusOf } from './format';

const useStyles = makeStyles({
  summary: { color: tokens.colorNeutralForeground3, marginTop: `calc(${tokens.spacingVerticalS} * -1)` },
  list: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    minWidth: 0,
  },
  off: { backgroundColor: tokens.colorNeutralBackground2 },
  head: { display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalS, flexWrap: 'wrap' },
  title: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, minWidth: 0, flex: '1 1 320px' },
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
  iconOff: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground3 },
  titleText: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  name: { margin: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  state: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexShrink: 0 },
  reason: { whiteSpace: 'normal', height: 'auto', minHeight: '24px', alignItems: 'flex-start', paddingBlock: '3px', paddingInline: tokens.spacingHorizontalS, textAlign: 'start', maxWidth: '100%' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    '@media (max-width: 720px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
    columnGap: tokens.spacingHorizontalXL,
    rowGap: tokens.spacingVerticalM,
    margin: 0,
  },
  fact: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  factWide: { gridColumn: '1 / -1' },
  factName: { margin: 0, color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200 },
  factValue: { margin: 0, minWidth: 0, display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap', rowGap: '2px' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  secrets: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalXL, rowGap: tokens.spacingVerticalXS },
  secret: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  warn: { color: tokens.colorPaletteDarkOrangeForeground1 },
  actions: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalS,
    paddingTop: tokens.spacingVerticalS,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  spacer: { flexGrow: 1 },
  danger: { color: tokens.colorPaletteRedForeground1 },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    paddingTop: tokens.spacingVerticalM,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  panelHead: { display: 'flex', alignItems: 'baseline', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  result: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS, minWidth: 0 },
  response: {
    margin: 0,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: '120px',
    overflowY: 'auto',
  },
  once: { color: tokens.colorNeutralForeground2 },
});

const KIND_ICON: Record<ActionKind, ReactNode> = {
  teams: <PeopleTeamRegular />,
  slack: <ChatRegular />,
  jira: <TicketDiagonalRegular />,
  servicenow: <WrenchRegular />,
  webhook: <ShieldKeyholeRegular />,
};

function Fact({ name, children, wide, testId }: { name: string; children: ReactNode; wide?: boolean; testId?: string }) {
  const styles = useStyles();
  return (
    <div className={mergeClasses(styles.fact, wide && styles.factWide)}>
      <dt className={styles.factName}>{name}</dt>
      <dd className={styles.factValue} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** "Send test": the answer the target gave, or why none came. */
function TestResult({ delivery, onDismiss }: { delivery: Delivery; onDismiss: () => void }) {
  const styles = useStyles();
  const last = delivery.log[delivery.log.length - 1];
  const ok = last ? attemptOk(last) : false;
  const title = !last
    ? 'The test was not sent'
    : ok
      ? `Test delivered: HTTP ${last.status}`
      : last.status !== null
        ? `Test failed: HTTP ${last.status}`
        : 'Test failed: no answer';
  return (
    <MessageBar
      intent={ok ? 'success' : 'error'}
      layout="multiline"
      data-testid="rule-test-result"
      data-outcome={delivery.status}
      data-http-status={last?.status ?? ''}
      data-delivery-id={delivery.id}
    >
      <MessageBarBody className={styles.result}>
        <MessageBarTitle>{title}</MessageBarTitle>
        {last && (
          <Caption1>
            {formatInstant(last.at)} · {last.latencyMs} ms{last.response ? ' · the answer:' : ''}
          </Caption1>
        )}
        {last?.error && <Text data-testid="rule-test-error">{last.error}</Text>}
        {last?.response && (
          <pre className={styles.response} data-testid="rule-test-response">
            {last.response}
          </pre>
        )}
      </MessageBarBody>
      <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={onDismiss} data-testid="rule-test-dismiss" />} />
    </MessageBar>
  );
}

type PreviewLoad = { status: 'loading' } | { status: 'ready'; preview: RequestPreview } | { status: 'error'; error: unknown };

function SavedPreview({ orgId, rule }: { orgId: string; rule: Rule }) {
  const styles = useStyles();
  const [load, setLoad] = useState<PreviewLoad>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    previewRule(orgId, rule.id, { signal: controller.signal }).then(
      (preview) => setLoad({ status: 'ready', preview }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [orgId, rule.id, rule.updatedAt, attempt]);
  return (
    <section className={styles.panel} aria-label="Request preview" data-testid="rule-preview-panel">
      <div className={styles.panelHead}>
        <Subtitle2 as="h3">Request preview</Subtitle2>
        <Caption1 className={styles.muted}>What this rule sends for a sample event, secrets hidden</Caption1>
      </div>
      {load.status === 'loading' && <LoadingState label="Building the request…" />}
      {load.status === 'error' && <ErrorBar title="Couldn't preview the request" error={load.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {load.status === 'ready' && <RequestPreviewView preview={load.preview} credentialHeader={rule.action.authHeader} />}
    </section>
  );
}

interface RuleCardProps {
  orgId: string;
  rule: Rule;
  canManage: boolean;
  onChanged: (rule: Rule) => void;
  onEdit: (rule: Rule) => void;
  onRotate: (rule: Rule) => void;
  onDelete: (rule: Rule) => void;
}

function RuleCard({ orgId, rule, canManage, onChanged, onEdit, onRotate, onDelete }: RuleCardProps) {
  const styles = useStyles();
  const [view, setView] = useState<'preview' | 'log' | null>(null);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<Delivery | null>(null);
  const [toggling, setToggling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [logKey, setLogKey] = useState(0);
  const kind = rule.action.kind;
  const turnedOff = !rule.enabled && rule.disabledReason;

  const test = async () => {
    setTesting(true);
    setError(null);
    setResult(null);
    try {
      setResult(await sendTest(orgId, rule.id));
      setLogKey((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setTesting(false);
    }
  };

  const toggle = async (enabled: boolean) => {
    setToggling(true);
    setError(null);
    try {
      onChanged(await setRuleEnabled(orgId, rule.id, enabled));
    } catch (err) {
      setError(err);
    } finally {
      setToggling(false);
    }
  };

  const last = rule.lastDelivery;
  const lastLook = last ? deliveryStatusOf(last.status) : null;

  return (
    <article
      className={mergeClasses(styles.card, !rule.enabled && styles.off)}
      aria-label={rule.name}
      data-testid="rule-card"
      data-rule-id={rule.id}
      data-kind={kind}
      data-enabled={rule.enabled}
    >
      <div className={styles.head}>
        <div className={styles.title}>
          <span className={mergeClasses(styles.icon, !rule.enabled && styles.iconOff)} aria-hidden>
            {KIND_ICON[kind]}
          </span>
          <div className={styles.titleText}>
            <Subtitle2 as="h2" className={styles.name} title={rule.name} data-testid="rule-name">
              {rule.name}
            </Subtitle2>
            <Caption1 className={styles.muted} data-testid="rule-trigger" data-trigger={rule.trigger}>
              When {lowerFirst(TRIGGER_LABEL[rule.trigger] ?? rule.trigger)}
            </Caption1>
          </div>
        </div>
        <div className={styles.state}>
          {canManage ? (
            <>
              {toggling && <Spinner size="extra-tiny" />}
              <Switch
                checked={rule.enabled}
                disabled={toggling}
                label={rule.enabled ? 'On' : 'Off'}
                labelPosition="before"
                onChange={(_, d) => void toggle(d.checked)}
                aria-label={`${rule.name}: ${rule.enabled ? 'on' : 'off'}`}
                data-testid="rule-enabled"
              />
            </>
          ) : (
            <Badge appearance={rule.enabled ? 'filled' : 'outline'} color={rule.enabled ? 'success' : 'informative'} data-testid="rule-state">
              {rule.enabled ? 'On' : 'Off'}
            </Badge>
          )}
        </div>
      </div>

      {turnedOff && (
        <div>
          <Badge appearance="tint" color="danger" shape="rounded" icon={<WarningRegular />} className={styles.reason} data-testid="rule-disabled-reason">
            Turned off: {rule.disabledReason}
          </Badge>
        </div>
      )}

      <dl className={styles.facts}>
        <Fact name="Sends to" testId="rule-kind">
          <Text>{ACTION_LABEL[kind] ?? kind}</Text>
        </Fact>
        <Fact name={kind === 'servicenow' ? 'Instance' : 'Target'} testId="rule-target">
          <span className={styles.mono} title="The address is kept secret: only its host and last characters are shown.">
            {rule.action.target}
          </span>
        </Fact>
        <Fact name="Last delivery" testId="rule-last-delivery">
          {last && lastLook ? (
            <>
              <Badge appearance="tint" color={lastLook.color} data-status={last.status}>
                {lastLook.label}
              </Badge>
              <Caption1>{formatInstant(last.at)}</Caption1>
            </>
          ) : (
            <Caption1 className={styles.muted}>No event sent yet (tests show in the log)</Caption1>
          )}
        </Fact>
        {kind === 'servicenow' && (
          <Fact name="Record">
            <Text>
              {rule.action.table === 'sc_task' ? 'Catalog task' : 'Incident'}
              {rule.action.closeOn ? `, closed when ${lowerFirst(TRIGGER_LABEL[rule.action.closeOn])}` : ''}
            </Text>
          </Fact>
        )}
        {rule.trigger === 'queue.entered' && (
          <Fact name="Look-ahead">
            <Text>{rule.queueWindowDays ?? 30} days before the leave date</Text>
          </Fact>
        )}
        {rule.failingSince && (
          <Fact name="Failing" wide testId="rule-failing">
            <Text className={styles.warn}>Every delivery since {formatInstant(rule.failingSince)} has failed. Offramp turns the rule off after 5 days of failures.</Text>
          </Fact>
        )}
        {kind === 'webhook' && (
          <Fact name="Signing secrets" wide>
            <ul className={styles.secrets} data-testid="rule-secrets" data-count={rule.secrets.length}>
              {rule.secrets.map((s) => (
                <li key={s.id} className={styles.secret} data-testid="rule-secret" data-expires-at={s.expiresAt ?? ''}>
                  <span className={styles.mono}>{s.preview}</span>
                  {s.expiresAt ? (
                    <Badge appearance="tint" color="warning" size="small">
                      Stops signing {formatInstant(s.expiresAt)}
                    </Badge>
                  ) : (
                    <Caption1 className={styles.muted}>{rule.secrets.length > 1 ? 'Current, ' : ''}since {formatInstant(s.createdAt)}</Caption1>
                  )}
                </li>
              ))}
            </ul>
          </Fact>
        )}
      </dl>

      {error !== null && <ErrorBar error={error} />}
      {result && <TestResult delivery={result} onDismiss={() => setResult(null)} />}

      <div className={styles.actions}>
        {canManage && (
          <Button size="small" icon={testing ? <Spinner size="extra-tiny" /> : <SendRegular />} disabled={testing} onClick={() => void test()} data-testid="rule-test">
            {testing ? 'Sending…' : 'Send test'}
          </Button>
        )}
        <ToggleButton size="small" icon={<EyeRegular />} checked={view === 'preview'} onClick={() => setView((v) => (v === 'preview' ? null : 'preview'))} data-testid="rule-preview">
          Preview
        </ToggleButton>
        <ToggleButton size="small" icon={<HistoryRegular />} checked={view === 'log'} onClick={() => setView((v) => (v === 'log' ? null : 'log'))} data-testid="rule-log">
          Delivery log
        </ToggleButton>
        {canManage && (
          <>
            <Button size="small" icon={<EditRegular />} onClick={() => onEdit(rule)} data-testid="rule-edit">
              Edit
            </Button>
            {kind === 'webhook' && (
              <Button size="small" icon={<KeyResetRegular />} onClick={() => onRotate(rule)} data-testid="rule-rotate">
                Rotate secret
              </Button>
            )}
            <span className={styles.spacer} />
            <Button size="small" appearance="subtle" icon={<DeleteRegular />} className={styles.danger} onClick={() => onDelete(rule)} data-testid="rule-delete">
              Delete
            </Button>
          </>
        )}
      </div>

      {view === 'preview' && <SavedPreview orgId={orgId} rule={rule} />}
      {view === 'log' && <DeliveryLog orgId={orgId} ruleId={rule.id} canManage={canManage} refreshKey={logKey} />}
    </article>
  );
}

const lowerFirst = (s: string) => (s ? s.charAt(0).toLowerCase() + s.slice(1) : s);

type Load = { status: 'loading' } | { status: 'ready'; rules: Rule[] } | { status: 'error'; error: unknown };
type Shown = { ruleName: string; secret: string; rotated: boolean; previousExpiresAt: string | null };

/** /tabs/integrations: the rules that tell other tools what happens, each with its preview, tests and delivery log. */
export function IntegrationsPage() {
  const styles = useStyles();
  const { orgId, orgName } = useCurrentOrg();
  const { can } = useOrg();
  const canManage = can('integrations.manage');
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [editing, setEditing] = useState<{ rule: Rule | null } | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [rotating, setRotating] = useState<Rule | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    listRules(orgId, { signal: controller.signal }).then(
      (rules) => setLoad({ status: 'ready', rules }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [orgId, attempt]);

  /** A rule as a change answered it (its last delivery is the list's to say): shown now, the list fetched again. */
  const changed = useCallback(
    (rule: Rule) => {
      setLoad((l) => (l.status === 'ready' ? { status: 'ready', rules: l.rules.map((r) => (r.id === rule.id ? { ...rule, lastDelivery: rule.lastDelivery ?? r.lastDelivery } : r)) } : l));
      reload();
    },
    [reload],
  );

  const rules = load.status === 'ready' ? load.rules : [];
  const on = rules.filter((r) => r.enabled).length;
  const newRule = () => {
    setNotice(null);
    setEditing({ rule: null });
  };

  return (
    <Page
      title="Integrations"
      description={`Rules that tell other tools what happens in ${orgName}: a message in a Teams or Slack channel, a Jira or ServiceNow ticket, or a signed webhook to your own system.`}
      actions={
        canManage && rules.length > 0 ? (
          <Button appearance="primary" icon={<AddRegular />} onClick={newRule} data-testid="integrations-new">
            New rule
          </Button>
        ) : undefined
      }
    >
      {notice && (
        <MessageBar intent="success" data-testid="integrations-notice">
          <MessageBarBody>{notice}</MessageBarBody>
          <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={() => setNotice(null)} />} />
        </MessageBar>
      )}
      {load.status === 'loading' && <LoadingState label="Loading the rules…" />}
      {load.status === 'error' && <ErrorBar title="Couldn't load the integration rules" error={load.error} onRetry={reload} />}
      {load.status === 'ready' && rules.length === 0 && (
        <EmptyState
          icon={<PlugConnectedRegular />}
          title="No integration rules yet"
          plannedLabel="A rule can send to"
          planned={ACTION_KINDS.map((k) => ACTION_LABEL[k])}
          actions={
            canManage ? (
              <Button appearance="primary" icon={<AddRegular />} onClick={newRule} data-testid="integrations-empty-new">
                New rule
              </Button>
            ) : undefined
          }
        >
          A rule tells another tool when something happens here: when an offboarding needs approval, starts, completes or fails, when a checklist is done, or when a leaver comes within the look-ahead. Every
          delivery is logged and retried if it fails.{canManage ? '' : ' An Owner or Admin can add rules.'}
        </EmptyState>
      )}
      {rules.length > 0 && (
        <>
          <Caption1 className={styles.summary} data-testid="integrations-summary">
            {rules.length === 1 ? '1 rule' : `${rules.length} rules`} · {on} on{rules.length - on > 0 ? ` · ${rules.length - on} off` : ''}
          </Caption1>
          <div className={styles.list} data-testid="integrations-list">
            {rules.map((r) => (
              <RuleCard
                key={r.id}
                orgId={orgId}
                rule={r}
                canManage={canManage}
                onChanged={changed}
                onEdit={(rule) => setEditing({ rule })}
                onRotate={setRotating}
                onDelete={setDeleting}
              />
            ))}
          </div>
        </>
      )}

      <RuleDialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        orgId={orgId}
        rule={editing?.rule ?? null}
        onSaved={(saved, created) => {
          if (created) {
            setLoad((l) => (l.status === 'ready' ? { status: 'ready', rules: [...l.rules, saved.rule] } : l));
            reload();
          } else {
            changed(saved.rule);
          }
          if (saved.secret) setShown({ ruleName: saved.rule.name, secret: saved.secret, rotated: false, previousExpiresAt: null });
          else setNotice(created ? `"${saved.rule.name}" is saved${saved.rule.enabled ? ' and on' : ''}. Send a test to check it reaches ${KIND_SHORT[saved.rule.action.kind]}.` : `"${saved.rule.name}" is saved.`);
        }}
      />

      <ActionDialog
        open={shown !== null && shown.secret !== ''}
        // The secret leaves the page as the dialog closes (the name stays for the closing animation).
        onClose={() => setShown((s) => s && { ...s, secret: '' })}
        title={shown?.rotated ? `New signing secret for "${shown.ruleName}"` : `Signing secret for "${shown?.ruleName ?? ''}"`}
        submitLabel="Done"
        cancelLabel={null}
        onSubmit={async () => undefined}
        testId="rule-secret"
      >
        <MessageBar intent="warning" layout="multiline" data-testid="rule-secret-warning">
          <MessageBarBody>
            <MessageBarTitle>Copy it now</MessageBarTitle>
            This secret will not be shown again. If it is lost, rotate it to get a new one.
          </MessageBarBody>
        </MessageBar>
        {shown?.secret && <CopyField value={shown.secret} label={`Signing secret for ${shown.ruleName}`} testId="rule-secret-value" copyTestId="rule-secret-copy" />}
        <Text className={styles.once}>
          Your endpoint checks the <code>webhook-signature</code> header of each request with it (Standard Webhooks: HMAC-SHA256 over the webhook-id, webhook-timestamp and body).
          {shown?.rotated && shown.previousExpiresAt ? ` The previous secret keeps signing beside it until ${formatInstant(shown.previousExpiresAt)}: switch your endpoint before then.` : ''}
        </Text>
      </ActionDialog>

      <ConfirmDialog
        open={rotating !== null}
        onClose={() => setRotating(null)}
        title={`Rotate the signing secret of "${rotating?.name ?? ''}"?`}
        confirmLabel="Rotate secret"
        testId="rotate"
        onConfirm={async () => {
          const r = rotating!;
          const res = await rotateSecret(orgId, r.id);
          changed(res.rule);
          const previous = res.rule.secrets.find((s) => s.expiresAt)?.expiresAt ?? null;
          if (res.secret) setShown({ ruleName: res.rule.name, secret: res.secret, rotated: true, previousExpiresAt: previous });
        }}
      >
        <Text>A new secret signs every request from now on. The current one keeps signing beside it for 24 hours, so your endpoint can switch without missing a delivery.</Text>
      </ConfirmDialog>

      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete "${deleting?.name ?? ''}"?`}
        confirmLabel="Delete rule"
        testId="delete-rule"
        onConfirm={async () => {
          const r = deleting!;
          await deleteRule(orgId, r.id);
          setLoad((l) => (l.status === 'ready' ? { status: 'ready', rules: l.rules.filter((x) => x.id !== r.id) } : l));
          setNotice(`"${r.name}" is deleted.`);
          reload();
        }}
      >
        <Text>Nothing more is sent to {KIND_SHORT[deleting?.action.kind ?? 'webhook']}, deliveries still being retried stop, and the rule&apos;s delivery log goes with it. To pause it instead, turn it off.</Text>
      </ConfirmDialog>
    </Page>
  );
}
