import { Spinner, makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  root: { display: 'grid', placeItems: 'center', padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXXL}`, flexGrow: 1 },
});

/** A centred spinner with a label, while something a page needs is on its way. */
export function LoadingState({ label, testId = 'loading' }: { label: string; testId?: string }) {
  const styles = useStyles();
  return (
    <div className={styles.root} data-testid={testId} role="status">
      <Spinner size="medium" label={label} labelPosition="below" />
    </div>
  );
}
