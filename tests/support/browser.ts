import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { Offramp } from '../../server/main.js';
import { repoRoot } from '../../server/paths.js';
import { startTestApp } from './app.js';

/** Debian's Chromium (installed by .ci/run), driven headless by playwright-core. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get install chromium\` (as .ci/run does) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Screenshots land in tests/artifacts (ignored by git), kept after the run for people to look at. */
export function artifactPath(name: string): string {
  const dir = path.join(repoRoot, 'tests', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/**
 * A screenshot of the whole page however long it is, with animations run to their end. The tabs
 * scroll inside <main>, which `fullPage` does not see: the window grows to fit it for the shot.
 */
export async function screenshotWhole(page: import('playwright-core').Page, file: string): Promise<void> {
  const size = page.viewportSize();
  const height = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? document.documentElement.clientHeight - main.clientHeight + main.scrollHeight : document.documentElement.scrollHeight;
  });
  const grow = size !== null && height > size.height;
  if (grow) await page.setViewportSize({ width: size.width, height: Math.min(height, 10_000) });
  try {
    await page.screenshot({ path: file, animations: 'disabled' });
  } finally {
    if (grow) await page.setViewportSize(size);
  }
}

/**
 * Signs a person in as they would: the tabs' sign-in button, then the simulated tenant's
 * "Pick an account" page (searching for them), then back to the tabs.
 */
export async function signInInBrowser(page: import('playwright-core').Page, baseUrl: string, upn: string, startPath = '/tabs/queue'): Promise<void> {
  await page.goto(`${baseUrl}${startPath}`);
  await page.getByTestId('sign-in-button').click();
  await page.getByRole('searchbox', { name: 'Search people' }).fill(upn);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator(`button.person[data-upn="${upn}"]`).click();
  await page.waitForURL((url) => url.pathname.startsWith('/tabs/'));
}

/**
 * The real app and Chromium for one test file: started together before its tests, closed after
 * (the browser first). `use` receives both once they are up; `env` adds to the app's test configuration.
 */
export function withAppAndBrowser(use: (app: Offramp, browser: Browser) => void, env: Record<string, string> = {}): void {
  let app: Offramp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(env), launchBrowser()]);
    use(app, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
}
