import { PeopleTeamRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function TeamPage() {
  return (
    <Page title="Team" description="Who in your organisation uses Offramp, and what each of them may do.">
      <EmptyState
        icon={<PeopleTeamRegular />}
        badge="Not built yet"
        title="No team members to show yet"
        planned={[
          'Members with their role: Owner, Admin, Manager or Viewer',
          'Invitations, and changing or removing a role',
        ]}
      >
        Team management arrives with organisations and roles. Until then there are no members or roles to manage here.
      </EmptyState>
    </Page>
  );
}
