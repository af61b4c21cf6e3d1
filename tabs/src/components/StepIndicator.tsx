import { Fragment } from 'react';
import { Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { CheckmarkFilled } from '@fluentui/react-icons';

const useStyles = makeStyles({
  root: {
    listStyle: 'none',
    margin: 0,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    overflowX: 'auto',
  },
  step: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexShrink: 0 },
  button: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalXS}`,
    border: 'none',
    background: 'none',
    color: 'inherit',
    font: 'inherit',
    borderRadius: tokens.borderRadiusMedium,
    cursor: 'pointer',
    ':disabled': { cursor: 'default' },
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  dot: {
    display: 'grid',
    placeItems: 'center',
    width: '24px',
    height: '24px',
    borderRadius: tokens.borderRadiusCircular,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    flexShrink: 0,
  },
  dotCurrent: { backgroundColor: tokens.colorBrandBackground, border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandBackground}`, color: tokens.colorNeutralForegroundOnBrand },
  dotDone: { backgroundColor: tokens.colorBrandBackground2, border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke2}`, color: tokens.colorBrandForeground2 },
  label: { color: tokens.colorNeutralForeground3 },
  labelCurrent: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold },
  // On a phone only the current step keeps its name.
  labelOther: { '@media (max-width: 720px)': { display: 'none' } },
  line: { flexGrow: 1, minWidth: '16px', height: '1px', backgroundColor: tokens.colorNeutralStroke2 },
});

export interface StepIndicatorProps<Id extends string> {
  steps: { id: Id; label: string }[];
  current: Id;
  /** Steps the person may jump back to (the ones already passed). */
  onSelect?: (id: Id) => void;
}

/** A simple stepper: numbered steps, the current one highlighted, the passed ones ticked and clickable. */
export function StepIndicator<Id extends string>({ steps, current, onSelect }: StepIndicatorProps<Id>) {
  const styles = useStyles();
  const at = steps.findIndex((s) => s.id === current);
  return (
    <ol className={styles.root} aria-label="Steps" data-testid="wizard-steps">
      {steps.map((s, i) => {
        const state = i < at ? 'done' : i === at ? 'current' : 'todo';
        return (
          <Fragment key={s.id}>
            {i > 0 && <li className={styles.line} aria-hidden role="presentation" />}
            <li className={styles.step} data-testid={`wizard-step-${s.id}`} data-state={state}>
              <button
                type="button"
                className={styles.button}
                disabled={state !== 'done' || !onSelect}
                onClick={() => onSelect?.(s.id)}
                aria-current={state === 'current' ? 'step' : undefined}
                aria-label={`Step ${i + 1}: ${s.label}${state === 'done' ? ' (done)' : ''}`}
              >
                <span className={mergeClasses(styles.dot, state === 'current' && styles.dotCurrent, state === 'done' && styles.dotDone)}>
                  {state === 'done' ? <CheckmarkFilled /> : i + 1}
                </span>
                <Text className={mergeClasses(styles.label, state === 'current' ? styles.labelCurrent : styles.labelOther)}>{s.label}</Text>
              </button>
            </li>
          </Fragment>
        );
      })}
    </ol>
  );
}
