import { PeopleQueueRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function QueuePage() {
  return (
    <Page title="Queue" description="People whose last day falls inside the look-ahead window, and what is still to recover from each.">
      <EmptyState
        icon={<PeopleQueueRegular />}
        badge="Not built yet"
        title="No leaver queue yet"
        planned={[
          'Everyone with an end date in the next 7 to 180 days (30 by default)',
          'For each person: hardware to recover, software seats to revoke and open requests',
          'Marking someone offboarded once nothing is left open',
        ]}
      >
        The leaver queue arrives with the checklist feature. Until then this page has nothing to list.
      </EmptyState>
    </Page>
  );
}
