import type { Offramp } from '../../server/main.js';
import type { BillingOverview, Interval, PlanId } from '../../server/billing/contract.js';
import { json } from './json.js';
import type { TestOrg } from './orgs.js';

/**
 * Subscribes the organisation to a plan as its Owner would: Checkout through the API, paid on
 * the Stripe stand-in's page, the webhooks Stripe then sends processed. Returns the billing overview.
 */
export async function subscribe(app: Offramp, org: TestOrg, plan: PlanId, interval: Interval = 'month'): Promise<BillingOverview> {
  const res = await org.owner.fetch(`/api/v1/orgs/${org.id}/billing/checkout`, { method: 'POST', json: { plan, interval } });
  if (res.status !== 200) throw new Error(`checkout: ${res.status} ${await res.text()}`);
  const { url } = (await json(res)) as { url: string };
  await app.stripeStandin!.pay(url.split('/').pop()!);
  const overview: BillingOverview = await json(await org.owner.fetch(`/api/v1/orgs/${org.id}/billing`));
  if (overview.plan !== plan || overview.status !== 'active') throw new Error(`not subscribed: ${JSON.stringify(overview)}`);
  return overview;
}
