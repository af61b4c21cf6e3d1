import { Badge } from '@fluentui/react-components';
import type { RunState } from '../api/offboarding';
import { runStateOf } from '../app/runs';

/** A run's state as a coloured badge (data-testid="run-state", data-state="<state>"). */
export function RunStateBadge({ state, size = 'medium' }: { state: RunState; size?: 'small' | 'medium' | 'large' }) {
  const s = runStateOf(state);
  return (
    <Badge appearance={s.appearance} color={s.color} size={size} shape="rounded" data-testid="run-state" data-state={state}>
      {s.label}
    </Badge>
  );
}
