import type { ReactNode } from 'react';
import { Body1, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { Page } from '../../components/Page';

const useStyles = makeStyles({
  sections: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalL, maxWidth: '72ch' },
  section: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
});

function Sections({ items }: { items: [string, ReactNode][] }) {
  const styles = useStyles();
  return (
    <div className={styles.sections}>
      {items.map(([heading, text]) => (
        <section key={heading} className={styles.section}>
          <Subtitle2 as="h2">{heading}</Subtitle2>
          <Body1>{text}</Body1>
        </section>
      ))}
    </div>
  );
}

/** The manifest's privacyUrl. */
export function PrivacyPage() {
  return (
    <Page title="Privacy" description="What Offramp keeps about the people it offboards and the people who use it.">
      <Sections
        items={[
          [
            'What we read from Microsoft 365',
            'Directory facts needed to offboard: names, sign-in names and mail addresses, departments, job titles, managers, leave dates, licences, group memberships, devices and mailbox settings. Offramp never reads the contents of mail, files or chats.',
          ],
          [
            'What we keep',
            'The people synced from your tenant, each offboarding run with its step journal and evidence, the compliance reports, and an append-only audit trail of who did what. Everything is stored in the PostgreSQL database of the organisation that runs Offramp.',
          ],
          [
            'Secrets',
            'Tenant credentials and webhook addresses are encrypted at rest and never written to logs. Passwords set during an offboarding are shown once to the approver and never stored in clear.',
          ],
          [
            'Your rights',
            'An organisation owner can export all of the organisation’s data, and can ask for its deletion; data is purged within 30 days of the request.',
          ],
        ]}
      />
    </Page>
  );
}

/** The manifest's termsOfUseUrl. */
export function TermsPage() {
  return (
    <Page title="Terms of use" description="The rules for using Offramp in your organisation.">
      <Sections
        items={[
          [
            'Who may use it',
            'People invited to an organisation by its owner or an admin, within the role they were given: owner, admin, manager or viewer.',
          ],
          [
            'Changes to your tenant',
            'Offboarding runs change your Microsoft 365 tenant as the approved plan says. Review the preview before approving; wipes of devices cannot be undone.',
          ],
          ['Plans and billing', 'Paid plans renew monthly or yearly until cancelled; your data is kept after cancelling until you ask for its deletion.'],
        ]}
      />
    </Page>
  );
}
