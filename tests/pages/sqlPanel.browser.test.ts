import type { InvocationContext } from '@azure/functions';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chromiumFound, launchChromium } from '../../scripts/pages/launchChromium.js';
import { functionTable } from '../../src/functionTable.js';
import { isTimerFunction } from '../../src/functionTypes.js';
import { eventually, startTestHost } from '../support/localHost.js';

const found = chromiumFound();
if (!found && process.env.CI) throw new Error('CI must run the browser tests');

describe.skipIf(!found)('the dashboard SQL panel in headless Chromium', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>;
  let browser: Browser;

  beforeAll(async () => {
    [host, browser] = await Promise.all([startTestHost(), launchChromium()]);
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const events = [1, 1, 2, 3, 3, 3].map((n, i) => ({
      userId: `panel-${i}`,
      type: i % 2 ? 'view' : 'buy',
      occurredAt: day(n),
    }));
    const res = await fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBeLessThan(300);
    await eventually(async () => {
      const r = await fetch(`${host.url}/api/stats/top-events`);
      return ((await r.json()) as { total: number }).total === 6 ? true : undefined;
    });
    const compaction = functionTable.filter(isTimerFunction)[0]!;
    await compaction.create(host.deps)({}, { invocationId: 't' } as InvocationContext);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    host?.removeData();
  });

  async function run(query: string) {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`${host.url}/api/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#sql textarea[name="query"]', query);
    await page.click('#sql button[type="submit"]');
    await page.waitForSelector(
      'section[data-chart="sql"][data-state="ready"], section[data-chart="sql"][data-state="error"]',
    );
    const api = (await (
      await fetch(`${host.url}/api/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      })
    ).json()) as { rows: unknown[][] };
    const rows = await page.$$eval('section[data-chart="sql"] table.sql-result tbody tr', (trs) =>
      trs.map((r) => [...r.children].map((c) => c.textContent ?? '')),
    );
    return { page, rows, api };
  }

  it('draws a line over days and shows the same rows as the API', async () => {
    const { page, rows, api } = await run(
      'SELECT day, count(*) AS events FROM events GROUP BY day ORDER BY day',
    );
    expect(rows).toEqual(api.rows.map((r) => r.map(String)));
    expect(rows.map((r) => r[1])).toEqual(['3', '1', '2']);
    const section = page.locator('section[data-chart="sql"]');
    expect(await section.getAttribute('data-chart-kind')).toBe('line');
    expect(await section.locator('canvas').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('draws bars over categories, and only a table for other shapes', async () => {
    const bars = await run('SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type');
    expect(bars.rows).toEqual([
      ['buy', '3'],
      ['view', '3'],
    ]);
    expect(
      await bars.page.locator('section[data-chart="sql"]').getAttribute('data-chart-kind'),
    ).toBe('bars');
    await bars.page.close();
    const three = await run('SELECT type, count(*), min(day) FROM events GROUP BY type');
    expect(await three.page.locator('section[data-chart="sql"] canvas').count()).toBe(0);
    expect(three.rows).toHaveLength(2);
    await three.page.close();
  });

  it('shows a refused query in the panel', async () => {
    const page = await browser.newPage();
    await page.goto(`${host.url}/api/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#sql textarea[name="query"]', 'DROP VIEW events');
    await page.click('#sql button[type="submit"]');
    const section = page.locator('section[data-chart="sql"]');
    await expect.poll(() => section.getAttribute('data-state')).toBe('error');
    expect(await section.locator('.status').textContent()).toMatch(/400 not_select/);
    await page.close();
  });
});
