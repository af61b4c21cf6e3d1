import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CARD_NAMES, renderCard, type AdaptiveCardJson, type CardName } from '../../bot/cards/render.js';
import { repoRoot } from '../../server/paths.js';
import { artifactPath, launchBrowser, screenshotWhole } from '../support/browser.js';

/**
 * Every bot card, expanded from its template with a realistic view, parsed by the official
 * Adaptive Cards renderer (the `adaptivecards` package) in Chromium — no parse warnings, no
 * validation failures, version 1.5 — and rendered to HTML, screenshotted for people to look at.
 */

const link = 'https://offramp.example/tabs/offboardings/5b0c2f7e-1111-4222-8333-944445555666';
const runId = '5b0c2f7e-1111-4222-8333-944445555666';
const samples: { [N in CardName]: Parameters<typeof renderCard<N>>[1] } = {
  help: {
    intro: 'You are Megan Bowen, manager in Contoso IT. Here is what you can ask:',
    commands: [
      { usage: 'offboard <person> [now | <when>]', summary: 'Offboard someone now or at a set time, after approval.' },
      { usage: 'status <person>', summary: "Where someone's offboarding stands, step by step." },
    ],
    footer: 'Times are read in your time zone (Europe/London).',
  },
  preview: {
    person: 'Łukasz Nowak',
    upn: 'lukasz.nowak@contoso.com',
    tenant: 'Contoso',
    tenantRef: 'a1b2c3d4-0000-4000-8000-000000000001',
    when: 'Friday 4 December 2026 at 17:00 (Europe/London)',
    whenText: 'friday 17:00',
    approval: 'An Admin or Owner approves it first',
    warnings: ['Remove licences: 1 licence comes from a group: leaving the group removes it.'],
    steps: [
      { n: 1, title: 'Block sign-in', summary: 'Block sign-in to Microsoft 365.', detail: 'lukasz.nowak@contoso.com', blocked: '' },
      { n: 2, title: 'Remove from groups', summary: 'Remove from 3 group(s).', detail: 'All Company, Finance, SG-VPN', blocked: '' },
      { n: 3, title: 'Forward mail', summary: 'Forward new mail to the manager.', detail: '', blocked: 'The person has no manager with a mailbox.' },
    ],
    employeeId: 'e1b2c3d4-0000-4000-8000-000000000002',
    submitTitle: 'Ask for approval',
  },
  choose: {
    question: '“alex” matches 2 people. Which one is leaving?',
    choices: [
      { label: 'Alex Wilber · alexw@contoso.com · Marketing', employeeId: 'e1', whenText: 'now' },
      { label: 'Alex Chen · alex.chen@contoso.com', employeeId: 'e2', whenText: 'now' },
    ],
  },
  approval: {
    runId,
    person: 'Łukasz Nowak',
    upn: 'lukasz.nowak@contoso.com',
    tenant: 'Contoso',
    requestedBy: 'Megan Bowen',
    when: 'Now, once approved',
    stepList: 'Block sign-in, Revoke sessions, Remove from groups, Remove licences',
    decision: '',
    decisionColour: 'Default',
    open: true,
    note: '',
    link,
  },
  progress: {
    runId,
    title: 'Offboarding Łukasz Nowak: Running',
    subtitle: 'lukasz.nowak@contoso.com · Contoso · asked by Megan Bowen · approved by Adele Vance',
    steps: [
      { icon: '✔', colour: 'Good', title: 'Block sign-in', status: 'Done · 0.4 s', note: 'Sign-in blocked.', noteColour: 'Default' },
      { icon: '✖', colour: 'Attention', title: 'Convert mailbox to shared', status: 'Failed · 12 s', note: 'Microsoft 365 did not answer after several retries (request id 7f3e…).', noteColour: 'Attention' },
      { icon: '◔', colour: 'Accent', title: 'Remove from groups', status: 'Running · 2.1 s', note: '', noteColour: 'Default' },
      { icon: '○', colour: 'Default', title: 'Notify the manager', status: 'Waiting', note: '', noteColour: 'Default' },
    ],
    summary: '',
    summaryColour: 'Default',
    canRetry: true,
    canCancel: true,
    pdf: 'https://offramp.example/api/v1/orgs/o/offboarding/runs/r/report.pdf',
    link,
  },
  runs: {
    title: 'Offboarding runs in Contoso IT',
    empty: 'No offboarding runs yet.',
    rows: [{ name: 'Łukasz Nowak (lukasz.nowak@contoso.com)', detail: 'Contoso · Now · 4/10 steps · id 5b0c2f7e', status: 'Running', colour: 'Accent', link }],
  },
};

interface Checked {
  warnings: string[];
  failures: string[];
  version: string;
  html: number;
}

describe('the bot cards in the Adaptive Cards renderer (Chromium)', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 520, height: 800 } });
    const css = fs.readFileSync(path.join(repoRoot, 'node_modules/adaptivecards/dist/adaptivecards.css'), 'utf8');
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${css} body{font-family:'Segoe UI',sans-serif;margin:0;padding:16px;background:#f5f5f5} #card{background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002;max-width:480px}</style></head><body><div id="card"></div></body></html>`);
    await page.addScriptTag({ path: path.join(repoRoot, 'node_modules/adaptivecards/dist/adaptivecards.min.js') });
  }, 60_000);
  afterAll(() => browser?.close());

  /** Parses and validates the card with the official renderer, renders it into the page. */
  const check = (card: AdaptiveCardJson) =>
    page.evaluate((json) => {
      const AC = (window as unknown as { AdaptiveCards: any }).AdaptiveCards;
      const context = new AC.SerializationContext();
      const card = new AC.AdaptiveCard();
      card.parse(json, context);
      const warnings: string[] = [];
      for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
      const failures = card.validateProperties().validationEvents.map((e: { message: string }) => e.message);
      const el = card.render();
      const host = document.getElementById('card')!;
      host.innerHTML = '';
      host.appendChild(el);
      return { warnings, failures, version: card.version.toString(), html: host.innerHTML.length };
    }, card as unknown as Record<string, unknown>) as Promise<Checked>;

  it.each(CARD_NAMES.map((n) => [n]))('%s: valid Adaptive Card 1.5 that renders', async (name) => {
    const card = renderCard(name, samples[name] as never);
    expect(JSON.stringify(card)).not.toContain('${'); // every template value was given
    const result = await check(card);
    expect(result).toMatchObject({ warnings: [], failures: [], version: '1.5' });
    expect(result.html).toBeGreaterThan(200);
    const text = await page.locator('#card').innerText();
    expect(text.length).toBeGreaterThan(20);
    await screenshotWhole(page, artifactPath(`card-${name}.png`));
  });

  it('catches a card the renderer would not understand (the check can fail)', async () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlok', text: 'typo' }, { type: 'Input.Text' }] } as AdaptiveCardJson;
    const result = await check(broken);
    expect(result.warnings.length + result.failures.length).toBeGreaterThan(0);
  });
});
