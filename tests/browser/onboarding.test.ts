/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import { demoUser } from '../support/auth.js';
import { artifactPath, signInInBrowser, withAppAndBrowser } from '../support/browser.js';

/**
 * A new user, tried as a new user would: starts the product, signs in to the demo, names an
 * organisation, invites a second member as Manager; that member accepts in a browser of
 * their own and sees only what a Manager may do.
 */
describe('a new organisation’s first session, in Chromium', () => {
  let app: Offramp;
  let browser: Browser;
  withAppAndBrowser((a, b) => ([app, browser] = [a, b]));

  it('signs in, names the organisation, invites a Manager who joins and sees only a Manager’s pages', async () => {
    const founder = demoUser(app, 3);
    const colleague = demoUser(app, 4);

    // The founder: sign in, be sent to onboarding, name the organisation.
    const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const owner = await ownerContext.newPage();
    await signInInBrowser(owner, app.url, founder.userPrincipalName);
    await owner.getByTestId('org-name-input').waitFor();
    expect(new URL(owner.url()).pathname).toBe('/tabs/welcome');
    await owner.getByTestId('org-name-input').fill('Northwind Traders');
    await owner.getByTestId('org-create').click();

    // Invite the colleague as Manager; the link is shown once.
    await owner.getByTestId('invite-email').fill(colleague.mail);
    await owner.getByTestId('invite-role').selectOption('manager');
    await owner.getByTestId('invite-submit').click();
    const linkField = owner.getByTestId(`invite-link-${colleague.mail}`);
    await linkField.waitFor();
    const link = (await linkField.inputValue().catch(() => null)) ?? (await linkField.textContent())!;
    expect(link).toMatch(new RegExp(`^${app.url}/tabs/invite/[A-Za-z0-9_-]{40,}$`));
    await owner.screenshot({ path: artifactPath('onboarding-invite.png') });
    await owner.getByTestId('onboarding-continue').click();
    await owner.getByTestId('onboarding-tenants').waitFor();
    await owner.getByTestId('onboarding-finish').click();
    await owner.getByTestId('page-title').filter({ hasText: 'Queue' }).waitFor();

    // The colleague, in a browser of their own: the link asks them to sign in, then to accept.
    const managerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const manager = await managerContext.newPage();
    await signInInBrowser(manager, app.url, colleague.userPrincipalName, new URL(link).pathname);
    await manager.getByTestId('invite-summary').waitFor();
    await expect(manager.getByTestId('invite-summary').textContent()).resolves.toContain('Northwind Traders');
    await manager.getByTestId('invite-accept').click();
    await manager.getByTestId('page-title').filter({ hasText: 'Queue' }).waitFor();

    // A Manager sees the offboarding pages and the team (read-only), no billing and no team controls.
    for (const id of ['queue', 'offboardings', 'new', 'team', 'audit']) await expect(manager.getByTestId(`nav-${id}`).count()).resolves.toBe(1);
    await expect(manager.getByTestId('nav-billing').count()).resolves.toBe(0);
    await manager.getByTestId('nav-team').click();
    await manager.getByTestId('members-table').waitFor();
    await manager.getByTestId(`member-row-${founder.mail}`).waitFor();
    await expect(manager.getByTestId('invite-open').count()).resolves.toBe(0);
    await expect(manager.getByTestId(`member-role-${founder.mail}`).count()).resolves.toBe(0);
    await expect(manager.getByTestId(`member-remove-${founder.mail}`).count()).resolves.toBe(0);
    await manager.screenshot({ path: artifactPath('manager-team.png') });
    await manager.goto(`${app.url}/tabs/billing`);
    await manager.getByTestId('no-access').waitFor();

    // The owner sees the new member with the Manager role, and the audit trail tells the story.
    await owner.getByTestId('nav-team').click();
    await owner.getByTestId(`member-row-${colleague.mail}`).waitFor();
    await expect(owner.getByTestId(`member-row-${colleague.mail}`).textContent()).resolves.toContain('Manager');
    await owner.getByTestId('nav-audit').click();
    await owner.getByTestId('audit-row').first().waitFor();
    const actions = await owner.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions).toEqual(['member.joined', 'invite.created', 'org.created']);
    await owner.getByTestId('audit-verify').click();
    await owner.locator('[data-testid="audit-verify-result"][data-ok="true"]').waitFor();
    await owner.screenshot({ path: artifactPath('owner-audit.png') });

    const { rows } = await app.store.pool.query(
      `SELECT u.object_id, m.role FROM members m JOIN users u ON u.id = m.user_id JOIN organisations o ON o.id = m.org_id WHERE o.name = 'Northwind Traders' ORDER BY m.role DESC`,
    );
    expect(rows).toEqual([
      { object_id: founder.id, role: 'owner' },
      { object_id: colleague.id, role: 'manager' },
    ]);
    await ownerContext.close();
    await managerContext.close();
  });
});
