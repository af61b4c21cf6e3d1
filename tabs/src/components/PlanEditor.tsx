import { useId, useState } from 'react';
import {
  Badge,
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Radio,
  RadioGroup,
  Select,
  Subtitle2,
  Switch,
  Textarea,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { InfoRegular, WarningFilled } from '@fluentui/react-icons';
import type { OptionField, PlanStep, TaskId, TaskInfo } from '../api/offboarding';
import { TASK_GROUPS, UNDO_LABEL } from '../app/runs';
import { browserTimeZone, instantToZoned } from '../app/zonedTime';

/** The tasks of a plan while someone edits it: every task of the catalogue, on or off, with its options. */
export type PlanDraft = Partial<Record<TaskId, { enabled: boolean; options: Record<string, unknown> }>>;

/** The draft of a saved plan: its steps ticked with their options, every other task off with its defaults. */
export function draftFromSteps(catalogue: TaskInfo[], steps: PlanStep[]): PlanDraft {
  const draft: PlanDraft = {};
  for (const t of catalogue) draft[t.id] = { enabled: false, options: { ...t.defaults } };
  for (const s of steps) draft[s.task] = { enabled: true, options: { ...(draft[s.task]?.options ?? {}), ...s.options } };
  return draft;
}

/** The ticked tasks as the API takes them, in catalogue order (the server orders them by dependency). */
export function stepsFromDraft(catalogue: TaskInfo[], draft: PlanDraft): PlanStep[] {
  return catalogue.filter((t) => draft[t.id]?.enabled).map((t) => ({ task: t.id, options: { ...(draft[t.id]?.options ?? {}) } }));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What must be fixed before the plan can be previewed or saved (one sentence each). */
export function planProblems(catalogue: TaskInfo[], draft: PlanDraft): string[] {
  const problems: string[] = [];
  const ticked = catalogue.filter((t) => draft[t.id]?.enabled);
  if (ticked.length === 0) problems.push('Choose at least one task.');
  for (const t of ticked) {
    for (const f of t.options) {
      const problem = fieldProblem(f, draft[t.id]?.options[f.key]);
      if (problem) problems.push(`${t.title}: ${f.label} — ${problem}`);
    }
  }
  return problems;
}

function fieldProblem(field: OptionField, value: unknown): string | null {
  if (field.kind === 'recipient') {
    if (value === undefined || value === 'manager') return null;
    return typeof value === 'string' && EMAIL.test(value.trim()) ? null : 'enter an e-mail address, or choose the manager.';
  }
  return null;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL },
  group: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  groupHead: { margin: 0, color: tokens.colorNeutralForeground2 },
  list: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  task: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  taskOn: { border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke2}`, backgroundColor: tokens.colorBrandBackground2 },
  taskHead: { display: 'flex', alignItems: 'flex-start', columnGap: tokens.spacingHorizontalS },
  taskText: { display: 'flex', flexDirection: 'column', rowGap: '2px', flexGrow: 1, minWidth: 0, paddingTop: '6px' },
  taskMeta: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalXS, flexShrink: 0, paddingTop: '6px' },
  summary: { color: tokens.colorNeutralForeground2 },
  title: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase300, lineHeight: tokens.lineHeightBase300 },
  clickable: { cursor: 'pointer' },
  options: {
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
    paddingInlineStart: '36px',
    paddingBottom: tokens.spacingVerticalXS,
    '@media (max-width: 720px)': { gridTemplateColumns: 'minmax(0, 1fr)', paddingInlineStart: 0 },
  },
  wide: { gridColumn: '1 / -1' },
  fill: { width: '100%', minWidth: 0 },
  recipient: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  details: { display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS, maxWidth: '460px', margin: 0 },
  dt: { fontWeight: tokens.fontWeightSemibold },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  wipeTitle: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
  wipeIcon: { color: tokens.colorPaletteRedForeground1 },
  count: { color: tokens.colorNeutralForeground3 },
});

function TaskDetails({ task }: { task: TaskInfo }) {
  const styles = useStyles();
  return (
    <Popover withArrow positioning="before">
      <PopoverTrigger disableButtonEnhancement>
        <Button size="small" appearance="subtle" icon={<InfoRegular />} aria-label={`What “${task.title}” does`} />
      </PopoverTrigger>
      <PopoverSurface>
        <dl className={styles.details}>
          <dt className={styles.dt}>Reads first</dt>
          <dd className={mergeClasses(styles.dd, styles.mono)}>{task.reads}</dd>
          <dt className={styles.dt}>Changes</dt>
          <dd className={mergeClasses(styles.dd, styles.mono)}>{task.changes}</dd>
          <dt className={styles.dt}>Run twice</dt>
          <dd className={styles.dd}>{task.idempotent}</dd>
          <dt className={styles.dt}>Undo</dt>
          <dd className={styles.dd}>{task.undo.how}</dd>
          {task.permissions.length > 0 && (
            <>
              <dt className={styles.dt}>Needs</dt>
              <dd className={mergeClasses(styles.dd, styles.mono)}>{task.permissions.join(', ')}</dd>
            </>
          )}
        </dl>
      </PopoverSurface>
    </Popover>
  );
}

interface FieldProps {
  task: TaskInfo;
  field: OptionField;
  value: unknown;
  onChange: (value: unknown) => void;
  disabled: boolean;
}

function RecipientInput({ task, field, value, onChange, disabled }: FieldProps) {
  const styles = useStyles();
  const isManager = value === undefined || value === 'manager';
  const [address, setAddress] = useState(isManager ? '' : String(value));
  const problem = fieldProblem(field, value);
  return (
    <Field
      label={field.label}
      hint={field.help}
      validationState={problem ? 'error' : 'none'}
      validationMessage={problem ? `Enter an e-mail address, or choose the manager.` : undefined}
      className={styles.wide}
    >
      <div className={styles.recipient}>
        <RadioGroup
          layout="horizontal"
          value={isManager ? 'manager' : 'someone'}
          disabled={disabled}
          onChange={(_, d) => onChange(d.value === 'manager' ? 'manager' : address.trim())}
          data-testid={`option-${task.id}-${field.key}`}
        >
          <Radio value="manager" label="Their manager" />
          <Radio value="someone" label="Someone else" />
        </RadioGroup>
        {!isManager && (
          <Input
            type="email"
            value={address}
            placeholder="name@contoso.com"
            disabled={disabled}
            onChange={(_, d) => {
              setAddress(d.value);
              onChange(d.value.trim());
            }}
            aria-label={`${field.label}: e-mail address`}
            className={styles.fill}
            data-testid={`option-${task.id}-${field.key}-email`}
          />
        )}
      </div>
    </Field>
  );
}

function OptionInput(props: FieldProps) {
  const styles = useStyles();
  const { task, field, value, onChange, disabled } = props;
  const testId = `option-${task.id}-${field.key}`;
  switch (field.kind) {
    case 'recipient':
      return <RecipientInput {...props} />;
    case 'boolean':
      return (
        <Field hint={field.help} className={styles.wide}>
          <Switch label={field.label} checked={value === true} disabled={disabled} onChange={(_, d) => onChange(d.checked)} data-testid={testId} />
        </Field>
      );
    case 'select':
      return (
        <Field label={field.label} hint={field.help}>
          <Select value={typeof value === 'string' ? value : ''} disabled={disabled} onChange={(_, d) => onChange(d.value)} className={styles.fill} data-testid={testId}>
            {(field.choices ?? []).map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
      );
    case 'textarea':
      return (
        <Field label={field.label} hint={field.help} className={styles.wide}>
          <Textarea
            value={typeof value === 'string' ? value : ''}
            disabled={disabled}
            resize="vertical"
            rows={3}
            onChange={(_, d) => onChange(d.value === '' ? undefined : d.value)}
            className={styles.fill}
            data-testid={testId}
          />
        </Field>
      );
    case 'datetime': {
      // The API takes an instant (ISO 8601 with offset); the input shows this computer's clock.
      const instant = typeof value === 'string' ? Date.parse(value) : NaN;
      const shown = Number.isNaN(instant) ? '' : instantToZoned(instant, browserTimeZone());
      return (
        <Field label={field.label} hint={field.help ?? `On this computer’s clock (${browserTimeZone()}).`}>
          <Input
            type="datetime-local"
            value={shown}
            disabled={disabled}
            onChange={(_, d) => {
              const at = d.value ? new Date(d.value) : null;
              onChange(at && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined);
            }}
            className={styles.fill}
            data-testid={testId}
          />
        </Field>
      );
    }
    default:
      return (
        <Field label={field.label} hint={field.help}>
          <Input
            value={typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)}
            disabled={disabled}
            onChange={(_, d) => onChange(d.value === '' ? undefined : d.value)}
            className={styles.fill}
            data-testid={testId}
          />
        </Field>
      );
  }
}

/** Wiping is the one option that needs a second, explicit yes (confirmWipe). */
const isWipe = (task: TaskId, key: string, value: unknown) => task === 'retire_devices' && key === 'action' && value === 'wipe';

export interface PlanEditorProps {
  catalogue: TaskInfo[];
  value: PlanDraft;
  onChange: (value: PlanDraft) => void;
  /** Who the wipe warning names: "Ada Lovelace", or "each person offboarded with this plan". */
  personName: string;
  readOnly?: boolean;
}

/** The tasks of a plan, grouped, each with its options: tick, untick, edit. */
export function PlanEditor({ catalogue, value, onChange, personName, readOnly = false }: PlanEditorProps) {
  const styles = useStyles();
  const [wipeAsked, setWipeAsked] = useState(false);
  const idBase = useId();

  const setTask = (id: TaskId, patch: Partial<{ enabled: boolean; options: Record<string, unknown> }>) => {
    const current = value[id] ?? { enabled: false, options: {} };
    onChange({ ...value, [id]: { ...current, ...patch } });
  };
  const setOption = (task: TaskInfo, key: string, v: unknown) => {
    if (isWipe(task.id, key, v)) {
      setWipeAsked(true);
      return;
    }
    const options = { ...(value[task.id]?.options ?? {}) };
    if (v === undefined) delete options[key];
    else options[key] = v;
    if (task.id === 'retire_devices' && key === 'action') options.confirmWipe = false;
    setTask(task.id, { options });
  };
  const confirmWipe = () => {
    setWipeAsked(false);
    setTask('retire_devices', { options: { ...(value.retire_devices?.options ?? {}), action: 'wipe', confirmWipe: true } });
  };

  const ticked = catalogue.filter((t) => value[t.id]?.enabled).length;
  const groups = [...TASK_GROUPS, ...[...new Set(catalogue.map((t) => t.group))].filter((g) => !TASK_GROUPS.some((x) => x.id === g)).map((g) => ({ id: g, label: g }))];

  return (
    <div className={styles.root} data-testid="plan-editor">
      <Caption1 className={styles.count} data-testid="plan-count">
        {ticked} of {catalogue.length} tasks chosen
      </Caption1>
      {groups.map((group) => {
        const tasks = catalogue.filter((t) => t.group === group.id);
        if (tasks.length === 0) return null;
        return (
          <section key={group.id} className={styles.group} aria-label={group.label}>
            <Subtitle2 as="h3" className={styles.groupHead}>
              {group.label}
            </Subtitle2>
            <div className={styles.list}>
              {tasks.map((t) => {
                const entry = value[t.id];
                const on = entry?.enabled ?? false;
                const undo = UNDO_LABEL[t.undo.kind];
                return (
                  <div key={t.id} className={mergeClasses(styles.task, on && styles.taskOn)} data-testid={`task-${t.id}`} data-enabled={on}>
                    <div className={styles.taskHead}>
                      <Checkbox
                        id={`${idBase}-${t.id}`}
                        checked={on}
                        disabled={readOnly}
                        onChange={(_, d) => setTask(t.id, { enabled: d.checked === true })}
                        data-testid={`task-toggle-${t.id}`}
                      />
                      <div className={styles.taskText}>
                        <label htmlFor={`${idBase}-${t.id}`} className={mergeClasses(styles.title, !readOnly && styles.clickable)}>
                          {t.title}
                        </label>
                        <Caption1 className={styles.summary}>{t.summary}</Caption1>
                      </div>
                      <div className={styles.taskMeta}>
                        <Badge appearance="tint" size="small" color={undo.color} title={t.undo.how}>
                          {undo.label}
                        </Badge>
                        <TaskDetails task={t} />
                      </div>
                    </div>
                    {on && t.options.length > 0 && (
                      <div className={styles.options}>
                        {t.options.map((f) => (
                          <OptionInput
                            key={f.key}
                            task={t}
                            field={f}
                            value={entry?.options[f.key]}
                            disabled={readOnly}
                            onChange={(v) => setOption(t, f.key, v)}
                          />
                        ))}
                      </div>
                    )}
                  </div>
                );
              })}
            </div>
          </section>
        );
      })}

      <Dialog open={wipeAsked} onOpenChange={(_, d) => !d.open && setWipeAsked(false)} modalType="alert">
        <DialogSurface data-testid="wipe-confirm-dialog">
          <DialogBody>
            <DialogTitle>
              <span className={styles.wipeTitle}>
                <WarningFilled className={styles.wipeIcon} /> Wipe the devices?
              </span>
            </DialogTitle>
            <DialogContent>
              Wipe erases every device of {personName} to factory settings. This cannot be undone.
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setWipeAsked(false)} data-testid="wipe-cancel">
                Keep retire
              </Button>
              <Button appearance="primary" onClick={confirmWipe} data-testid="wipe-confirm">
                Yes, wipe the devices
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}
