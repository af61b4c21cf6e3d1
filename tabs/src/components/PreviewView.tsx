import {
  Badge,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { ErrorCircleFilled, WarningRegular } from '@fluentui/react-icons';
import type { Item, Preview } from '../api/offboarding';
import { formatInstant } from '../app/runs';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  step: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  blocked: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorder2}`,
    backgroundColor: tokens.colorPaletteRedBackground1,
  },
  head: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  seq: { color: tokens.colorNeutralForeground3, fontVariantNumeric: 'tabular-nums', minWidth: '1.5em' },
  summary: { color: tokens.colorNeutralForeground2 },
  blockedText: { color: tokens.colorPaletteRedForeground1, display: 'flex', alignItems: 'flex-start', columnGap: tokens.spacingHorizontalXS },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1, display: 'flex', alignItems: 'flex-start', columnGap: tokens.spacingHorizontalXS },
  icon: { flexShrink: 0, marginTop: '2px' },
  muted: { color: tokens.colorNeutralForeground3 },
  bullets: { margin: 0, paddingInlineStart: '1.2em' },
});

const itemsStyles = makeStyles({
  items: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', rowGap: '2px' },
  detail: { color: tokens.colorNeutralForeground3 },
  wrap: { overflowWrap: 'anywhere' },
});

/** A bulleted list of items: "Sales team — Microsoft 365 group". */
export function ItemList({ items, testId }: { items: Item[]; testId?: string }) {
  const styles = itemsStyles();
  if (items.length === 0) return null;
  return (
    <ul className={styles.items} data-testid={testId}>
      {items.map((i) => (
        <li key={i.id} className={styles.wrap}>
          <Text size={200}>{i.label}</Text>
          {i.detail && <Caption1 className={styles.detail}> — {i.detail}</Caption1>}
        </li>
      ))}
    </ul>
  );
}

/** What a plan would do for one person, step by step: items, warnings, and steps that cannot run (in red). */
export function PreviewView({ preview }: { preview: Preview }) {
  const styles = useStyles();
  const blocked = preview.steps.filter((s) => s.blocked).length;
  return (
    <div className={styles.root} data-testid="preview">
      {preview.warnings.length > 0 && (
        <MessageBar intent="warning" layout="multiline" data-testid="preview-person-warnings">
          <MessageBarBody>
            <MessageBarTitle>About {preview.person.displayName}</MessageBarTitle>
            {preview.warnings.length === 1 ? (
              preview.warnings[0]
            ) : (
              <ul className={styles.bullets}>
                {preview.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      {blocked > 0 && (
        <MessageBar intent="error" layout="multiline" data-testid="preview-blocked">
          <MessageBarBody>
            <MessageBarTitle>
              {blocked === 1 ? '1 step cannot run' : `${blocked} steps cannot run`} for {preview.person.displayName}
            </MessageBarTitle>
            It would fail: untick it, or fix what it names first.
          </MessageBarBody>
        </MessageBar>
      )}
      <ol className={styles.list}>
        {preview.steps.map((s, i) => (
          <li
            key={s.task}
            className={mergeClasses(styles.step, s.blocked !== null && styles.blocked)}
            data-testid="preview-step"
            data-task={s.task}
            data-blocked={s.blocked !== null}
          >
            <div className={styles.head}>
              <Text className={styles.seq}>{i + 1}.</Text>
              <Text weight="semibold">{s.title}</Text>
              {s.blocked !== null && (
                <Badge appearance="filled" color="danger" size="small">
                  Cannot run
                </Badge>
              )}
              {s.warnings.length > 0 && (
                <Badge appearance="tint" color="warning" size="small">
                  {s.warnings.length === 1 ? '1 warning' : `${s.warnings.length} warnings`}
                </Badge>
              )}
            </div>
            <Text size={200} className={styles.summary}>
              {s.summary}
            </Text>
            {s.blocked !== null && (
              <Text size={200} className={styles.blockedText} data-testid="preview-step-blocked">
                <ErrorCircleFilled className={styles.icon} /> {s.blocked}
              </Text>
            )}
            {s.warnings.map((w) => (
              <Text key={w} size={200} className={styles.warning}>
                <WarningRegular className={styles.icon} /> {w}
              </Text>
            ))}
            <ItemList items={s.items} />
          </li>
        ))}
      </ol>
      <Caption1 className={styles.muted}>Read from Microsoft 365 at {formatInstant(preview.generatedAt)}.</Caption1>
    </div>
  );
}
