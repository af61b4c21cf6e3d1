import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { BuildingMultipleRegular } from '@fluentui/react-icons';
import { useMeta } from '../../app/MetaProvider';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function TenantsPage() {
  const { state } = useMeta();
  return (
    <Page title="Tenants" description="The Microsoft 365 tenants Offramp works on, and how their directories sync.">
      {state.status === 'ready' && state.meta.mode === 'demo' && (
        <MessageBar intent="info" data-testid="demo-notice">
          <MessageBarBody>
            <MessageBarTitle>Demo mode</MessageBarTitle>
            This server has no Microsoft Entra app configured, so a simulated Microsoft 365 tenant stands in for a real one.
          </MessageBarBody>
        </MessageBar>
      )}
      <EmptyState
        icon={<BuildingMultipleRegular />}
        badge="Not built yet"
        title="No tenants connected yet"
        planned={[
          'Connecting a tenant by admin consent',
          'Syncing the whole directory, or only the members of one security group',
          'When each tenant last synced, and what went wrong if it failed',
        ]}
      >
        Tenant connections arrive with the Microsoft 365 connection feature. No tenant can be connected from here yet.
      </EmptyState>
    </Page>
  );
}
