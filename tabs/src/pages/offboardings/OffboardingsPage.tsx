import { ClipboardTaskListLtrRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function OffboardingsPage() {
  return (
    <Page title="Offboardings" description="Every offboarding run: scheduled, waiting for approval, running and finished.">
      <EmptyState
        icon={<ClipboardTaskListLtrRegular />}
        badge="Not built yet"
        title="No offboarding runs yet"
        planned={[
          'Each run with who asked for it, who approved it and when it runs',
          'Live step-by-step progress, with failed steps you can retry',
          'Undo for what can be put back, and the compliance report of each run',
        ]}
      >
        Run history arrives with the offboarding engine. Until then no run can be started, so there is nothing to show.
      </EmptyState>
    </Page>
  );
}
