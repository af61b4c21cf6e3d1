import type { ReactNode } from 'react';
import { Body1, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { usePageTitle } from '../app/hooks';

const useStyles = makeStyles({
  page: {
    boxSizing: 'border-box',
    width: '100%',
    maxWidth: '1080px',
    marginInline: 'auto',
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXXL}`,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    '@media (max-width: 720px)': { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}` },
  },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    flexWrap: 'wrap',
  },
  heading: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS, margin: 0 },
  title: { margin: 0 },
  description: { color: tokens.colorNeutralForeground2, maxWidth: '68ch' },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalS },
});

export interface PageProps {
  /** The page's name: its heading and, as "<title> · Offramp", the window title. */
  title: string;
  /** One sentence under the heading saying what the page is for. */
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}

/** The frame of every page: heading (data-testid="page-title"), description, content. */
export function Page({ title, description, actions, children }: PageProps) {
  const styles = useStyles();
  usePageTitle(title);
  return (
    <section className={styles.page} aria-labelledby="page-title">
      <header className={styles.header}>
        <div className={styles.heading}>
          <Title2 as="h1" id="page-title" className={styles.title} data-testid="page-title">
            {title}
          </Title2>
          {description && <Body1 className={styles.description}>{description}</Body1>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      {children}
    </section>
  );
}
