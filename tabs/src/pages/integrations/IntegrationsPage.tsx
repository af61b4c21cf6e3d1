import { PlugConnectedRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function IntegrationsPage() {
  return (
    <Page title="Integrations" description="Where Offramp tells other tools what happened, and when.">
      <EmptyState
        icon={<PlugConnectedRegular />}
        badge="Not built yet"
        title="No integrations yet"
        planned={[
          'Teams and Slack incoming webhooks',
          'Jira automation and ServiceNow tickets',
          'Signed webhooks to your own endpoint',
          'Rules choosing which events go where, with a log of each delivery',
        ]}
      >
        Integrations arrive with the automation rules feature. Nothing is sent to other tools yet.
      </EmptyState>
    </Page>
  );
}
