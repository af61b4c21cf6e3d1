import { Badge, Spinner, Tooltip, makeStyles, tokens } from '@fluentui/react-components';
import { useMeta } from '../app/MetaProvider';

const useStyles = makeStyles({
  connecting: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground3 },
});

/** Shows how the server runs: "Demo tenant" (simulated Microsoft 365) or "Production". */
export function ModeBadge() {
  const styles = useStyles();
  const { state } = useMeta();
  if (state.status === 'loading') {
    return (
      <span className={styles.connecting} data-testid="mode-badge" data-mode="loading">
        <Spinner size="extra-tiny" />
        Connecting…
      </span>
    );
  }
  if (state.status === 'error') {
    return (
      <Badge appearance="outline" color="danger" data-testid="mode-badge" data-mode="offline">
        Not connected
      </Badge>
    );
  }
  const { meta } = state;
  if (meta.mode === 'demo') {
    return (
      <Tooltip content="A simulated Microsoft 365 tenant stands in for a real one. Nothing here touches real accounts." relationship="description">
        <Badge appearance="tint" color="warning" size="large" data-testid="mode-badge" data-mode="demo">
          Demo tenant
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge appearance="tint" color="success" size="large" data-testid="mode-badge" data-mode="production">
      Production
    </Badge>
  );
}
