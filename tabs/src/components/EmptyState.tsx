import type { ReactNode } from 'react';
import { Badge, Body1, Caption1, Subtitle1, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { CircleSmallFilled } from '@fluentui/react-icons';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    rowGap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
  },
  art: {
    display: 'grid',
    placeItems: 'center',
    width: '72px',
    height: '72px',
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontSize: '36px',
    marginBottom: tokens.spacingVerticalXS,
  },
  title: { margin: 0 },
  body: { color: tokens.colorNeutralForeground2, maxWidth: '60ch', margin: 0 },
  planned: {
    listStyle: 'none',
    margin: `${tokens.spacingVerticalS} 0 0`,
    padding: 0,
    display: 'grid',
    rowGap: tokens.spacingVerticalS,
    textAlign: 'start',
    maxWidth: '56ch',
  },
  plannedItem: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'flex-start', color: tokens.colorNeutralForeground2 },
  plannedIcon: { flexShrink: 0, marginTop: '2px', color: tokens.colorBrandForeground2, fontSize: '16px' },
  plannedLabel: { color: tokens.colorNeutralForeground3, textTransform: 'uppercase', letterSpacing: '0.04em' },
  footer: { marginTop: tokens.spacingVerticalS, display: 'flex', columnGap: tokens.spacingHorizontalS },
});

export interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  /** A status label, e.g. "Not built yet". */
  badge?: string;
  /** What the page will hold, as a short list. */
  planned?: string[];
  /** The heading over `planned`. */
  plannedLabel?: string;
  actions?: ReactNode;
  className?: string;
}

/** A centred card for a page with nothing to show yet, saying why and what will be here. */
export function EmptyState({ icon, title, children, badge, planned, plannedLabel = 'What you will find here', actions, className }: EmptyStateProps) {
  const styles = useStyles();
  return (
    <div className={mergeClasses(styles.root, className)} data-testid="empty-state">
      <div className={styles.art} aria-hidden>
        {icon}
      </div>
      {badge && (
        <Badge appearance="tint" color="informative" data-testid="empty-state-badge">
          {badge}
        </Badge>
      )}
      <Subtitle1 as="h2" className={styles.title}>
        {title}
      </Subtitle1>
      <Body1 as="p" className={styles.body}>
        {children}
      </Body1>
      {planned && planned.length > 0 && (
        <>
          <Caption1 className={styles.plannedLabel}>{plannedLabel}</Caption1>
          <ul className={styles.planned}>
            {planned.map((item) => (
              <li key={item} className={styles.plannedItem}>
                <CircleSmallFilled className={styles.plannedIcon} aria-hidden />
                <Body1>{item}</Body1>
              </li>
            ))}
          </ul>
        </>
      )}
      {actions && <div className={styles.footer}>{actions}</div>}
    </div>
  );
}
