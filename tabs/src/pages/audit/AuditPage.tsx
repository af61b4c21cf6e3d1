import { HistoryRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function AuditPage() {
  return (
    <Page title="Audit" description="An append-only record of every change Offramp makes and who asked for it.">
      <EmptyState
        icon={<HistoryRegular />}
        badge="Not built yet"
        title="No audit entries yet"
        planned={[
          'Every approval, step, undo and settings change: who, what and when',
          'Filters by person, run and action',
          'Export for your auditors',
        ]}
      >
        The audit log arrives with the audit trail feature. Nothing is recorded on this page yet.
      </EmptyState>
    </Page>
  );
}
