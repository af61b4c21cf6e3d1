import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { artifactPath, launchBrowser, screenshotWhole } from '../support/browser.js';
import { spawnNode, type Worker } from '../support/processes.js';

/**
 * `npm run playground` as a person uses it: Offramp in demo mode and the Microsoft 365 Agents
 * Playground (offline), driven in Chromium: the bot greets on install, answers `help` with its
 * card, and `runs` with the (empty) list — every message over the Bot Framework protocol.
 */

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('the bot in the Microsoft 365 Agents Playground', () => {
  let proc: Worker;
  let browser: Browser;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offramp-playground-test-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // What `npm run playground` runs once built (the suite builds first).
    proc = spawnNode(['dist/server/start.js', 'dist/bot/playground/main.js'], { DATA_DIR: dataDir, PORT: '0', PLAYGROUND_PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(url).then((r) => r.ok, () => false);
      if (ok) break;
      if (proc.proc.exitCode !== null) throw new Error(`the playground stopped (${proc.proc.exitCode}):\n${proc.stderr.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`the playground did not answer at ${url}:\n${proc.stderr.join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    proc?.kill('SIGTERM');
    await proc?.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('greets, answers help with the command card and runs with the list', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.getByText('Offramp is here.').first().waitFor({ timeout: 30_000 });
    const box = page.getByRole('textbox').first();
    await box.click();
    await box.fill('help');
    await page.keyboard.press('Enter');
    await page.getByText('Here is what you can ask').first().waitFor({ timeout: 30_000 });
    await screenshotWhole(page, artifactPath('bot-playground-help.png'));
    await expect(page.getByText('offboard ‹person› [now | ‹when›]').first().isVisible()).resolves.toBe(true);
    await box.click();
    await box.fill('runs');
    await page.keyboard.press('Enter');
    await page.getByText('No offboarding runs yet.').first().waitFor({ timeout: 30_000 });
    await screenshotWhole(page, artifactPath('bot-playground.png'));
  }, 90_000);
});
