import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { appRoot } from '../src/appRoot.js';
import { loadConfig } from '../src/config.js';
import { startLocalHost } from '../src/local/startLocalHost.js';
import { noTelemetry } from '../src/ports.js';
import { CHROMIUM_PATH, chromiumFound, launchChromium } from './pages/launchChromium.js';
import { postAndWait, sampleData } from './pages/sampleData.js';

/** npm run screenshots: the docs and the dashboard over the sample data, as PNGs in docs/screenshots/. */
async function main(): Promise<void> {
  if (!chromiumFound()) throw new Error(`no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  const root = appRoot();
  const outDir = path.join(root, 'docs/screenshots');
  mkdirSync(outDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'screenshots-'));
  const loaded = loadConfig({ PORT: '0', DATA_DIR: dataDir }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const quiet = { info: () => undefined, warn: () => undefined, error: console.error };
  const host = await startLocalHost(loaded.config, {
    logger: quiet,
    telemetry: noTelemetry,
    baseDir: root,
  });
  const browser = await launchChromium();
  try {
    const data = sampleData(Date.now());
    await postAndWait(host.url, data.events);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${host.url}/api/dashboard?from=${data.from}&to=${data.to}&user=user-a`);
    await page.waitForSelector('section[data-chart="user"][data-state="ready"]');
    await page.screenshot({ path: path.join(outDir, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await page.waitForSelector('section[data-chart="user"][data-state="ready"]');
    await page.screenshot({ path: path.join(outDir, 'dashboard-375.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${host.url}/api/docs`);
    await page.waitForSelector('.opblock');
    await page.locator('#operations-ingest-ingest .opblock-summary').click();
    await page.waitForSelector('#operations-ingest-ingest .opblock-body');
    await page.screenshot({ path: path.join(outDir, 'docs.png'), fullPage: false });
    console.log(`Wrote dashboard.png, dashboard-375.png and docs.png to ${outDir}`);
  } finally {
    await browser.close();
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
