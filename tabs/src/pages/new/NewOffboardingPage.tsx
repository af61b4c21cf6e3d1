import { PersonArrowRightRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function NewOffboardingPage() {
  return (
    <Page title="New offboarding" description="Choose who is leaving, when their access ends and which tasks to run.">
      <EmptyState
        icon={<PersonArrowRightRegular />}
        badge="Not built yet"
        title="The offboarding wizard is not here yet"
        planned={[
          'Pick the person from your tenant directory',
          'Run now or at a set time, such as their last day at 17:00',
          "Start from your tenant's default plan and add or drop tasks",
          'Send it to an approver before anything changes',
        ]}
      >
        The new-offboarding wizard arrives with offboarding plans. This page cannot start an offboarding yet.
      </EmptyState>
    </Page>
  );
}
