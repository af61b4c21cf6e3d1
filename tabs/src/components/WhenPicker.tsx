import { useId, useMemo } from 'react';
import { Caption1, Combobox, Field, Input, Option, Radio, RadioGroup, makeStyles, tokens } from '@fluentui/react-components';
import type { When } from '../api/offboarding';
import { browserTimeZone, formatInZone, instantToZoned, isTimeZone, timeZones, zonedToInstant } from '../app/zonedTime';

/** What the When fields hold while someone fills them in. */
export interface WhenDraft {
  kind: 'now' | 'at';
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm */
  time: string;
  timeZone: string;
}

/** Tomorrow at 17:00 in the browser's zone, as a start. */
export function defaultWhen(kind: WhenDraft['kind'] = 'now'): WhenDraft {
  const zone = browserTimeZone();
  const tomorrow = instantToZoned(Date.now() + 86_400_000, zone).slice(0, 10);
  return { kind, date: tomorrow, time: '17:00', timeZone: zone };
}

/** The draft for a When the server sent (a run being rescheduled). */
export function draftOf(when: When): WhenDraft {
  if (when.kind === 'now') return defaultWhen('at');
  return { kind: 'at', date: when.at.slice(0, 10), time: when.at.slice(11, 16), timeZone: when.timeZone };
}

/** What is wrong with the draft, if anything: shown under the fields and keeps the form from going on. */
export function whenProblem(draft: WhenDraft, now = Date.now()): string | null {
  if (draft.kind === 'now') return null;
  if (!draft.date) return 'Choose a date.';
  if (!/^\d{2}:\d{2}$/.test(draft.time)) return 'Choose a time.';
  if (!isTimeZone(draft.timeZone)) return 'Choose a time zone from the list.';
  const instant = zonedToInstant(`${draft.date}T${draft.time}`, draft.timeZone);
  if (instant === null) return 'That is not a date and time.';
  if (instant <= now) return 'That time has passed: choose one in the future.';
  return null;
}

/** The API's When for a draft with no problem. */
export function toWhen(draft: WhenDraft): When {
  return draft.kind === 'now' ? { kind: 'now' } : { kind: 'at', at: `${draft.date}T${draft.time}`, timeZone: draft.timeZone };
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  at: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 180px) minmax(0, 130px) minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
    alignItems: 'start',
    paddingInlineStart: tokens.spacingHorizontalXXL,
    '@media (max-width: 720px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  fill: { width: '100%', minWidth: 0 },
  hint: { color: tokens.colorNeutralForeground3, paddingInlineStart: tokens.spacingHorizontalXXL },
  problem: { color: tokens.colorPaletteRedForeground1, paddingInlineStart: tokens.spacingHorizontalXXL },
});

export interface WhenPickerProps {
  value: WhenDraft;
  onChange: (value: WhenDraft) => void;
  /** What "now" means here, e.g. "Now (as soon as it is approved)". */
  nowLabel?: string;
  /** Leave out "now" (rescheduling picks a time). */
  atOnly?: boolean;
  disabled?: boolean;
}

/** Now, or a date, time and time zone (the wall time where the person works). */
export function WhenPicker({ value, onChange, nowLabel = 'Now', atOnly = false, disabled }: WhenPickerProps) {
  const styles = useStyles();
  const id = useId();
  const zones = useMemo(timeZones, []);
  const own = browserTimeZone();
  const problem = whenProblem(value);
  const instant = value.kind === 'at' && !problem ? zonedToInstant(`${value.date}T${value.time}`, value.timeZone) : null;
  const matching = zones.filter((z) => z.toLowerCase().includes(value.timeZone.toLowerCase()));
  const set = (patch: Partial<WhenDraft>) => onChange({ ...value, ...patch });

  const fields = (
    <div className={styles.at}>
      <Field label="Date" required>
        <Input
          type="date"
          value={value.date}
          disabled={disabled || value.kind !== 'at'}
          onChange={(_, d) => set({ date: d.value })}
          className={styles.fill}
          data-testid="when-date"
        />
      </Field>
      <Field label="Time" required>
        <Input
          type="time"
          value={value.time}
          disabled={disabled || value.kind !== 'at'}
          onChange={(_, d) => set({ time: d.value })}
          className={styles.fill}
          data-testid="when-time"
        />
      </Field>
      <Field label="Time zone" required>
        <Combobox
          freeform
          value={value.timeZone}
          selectedOptions={[value.timeZone]}
          disabled={disabled || value.kind !== 'at'}
          onChange={(e) => set({ timeZone: e.target.value })}
          onOptionSelect={(_, d) => d.optionValue && set({ timeZone: d.optionValue })}
          className={styles.fill}
          data-testid="when-zone"
        >
          {(matching.length > 0 ? matching : zones).slice(0, 80).map((z) => (
            <Option key={z} value={z} text={z}>
              {z === own ? `${z} (this computer)` : z}
            </Option>
          ))}
        </Combobox>
      </Field>
    </div>
  );

  return (
    <div className={styles.root}>
      {atOnly ? (
        fields
      ) : (
        <RadioGroup
          aria-labelledby={`${id}-label`}
          value={value.kind}
          disabled={disabled}
          onChange={(_, d) => set({ kind: d.value as WhenDraft['kind'] })}
        >
          <Radio value="now" label={nowLabel} data-testid="when-now" />
          <Radio value="at" label="At a set time, e.g. their last day at 17:00" data-testid="when-at" />
        </RadioGroup>
      )}
      {!atOnly && value.kind === 'at' && fields}
      {value.kind === 'at' && problem && (
        <Caption1 className={styles.problem} role="alert" data-testid="when-problem">
          {problem}
        </Caption1>
      )}
      {instant !== null && value.timeZone !== own && (
        <Caption1 className={styles.hint}>
          That is {formatInZone(instant, own)} on this computer’s clock ({own}).
        </Caption1>
      )}
    </div>
  );
}
