import { PaymentRegular } from '@fluentui/react-icons';
import { EmptyState } from '../../components/EmptyState';
import { Page } from '../../components/Page';

export function BillingPage() {
  return (
    <Page title="Billing" description="Your plan, what it allows, and your invoices.">
      <EmptyState
        icon={<PaymentRegular />}
        badge="Not built yet"
        title="No billing details yet"
        planned={[
          'Your plan (Starter, Business or MSP) and your trial',
          'Employees and tenants used against the plan’s limits',
          'Changing plan, payment details and invoices through Stripe',
        ]}
      >
        Billing arrives with plans and Stripe. Nothing is charged and there is no plan to show yet.
      </EmptyState>
    </Page>
  );
}
