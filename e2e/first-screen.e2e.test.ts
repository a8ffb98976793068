import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createWorld } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const BUDGET = 300 * 1024;

/** Every script the page loads while `load` runs, with its gzipped size (gzip -9 of the bytes served). */
async function scriptsLoaded(page: Page, load: () => Promise<void>): Promise<{ url: string; gz: number }[]> {
  const pending: Promise<{ url: string; gz: number }>[] = [];
  const onResponse = (res: import('playwright-core').Response) => {
    if (res.request().resourceType() === 'script') {
      pending.push(res.body().then((b) => ({ url: new URL(res.url()).pathname, gz: gzipSync(b, { level: 9 }).length })));
    }
  };
  page.on('response', onResponse);
  await load();
  await page.waitForLoadState('networkidle');
  page.off('response', onResponse);
  return Promise.all(pending);
}

describe.skipIf(!browserAvailable)('the console’s first screen', () => {
  const h = useConsole();

  it(`loads at most ${BUDGET / 1024} kB of gzipped JavaScript, signed out and signed in`, async () => {
    const world = await createWorld(h.t.app);
    const page = await h.newPage();
    const signedOut = await scriptsLoaded(page, async () => {
      await page.goto('/admin/login');
      await page.getByLabel('用户名').waitFor();
    });
    await signIn(page, world.adminUsername, 'admin-pass-123');
    // A new visit with a session: the frame and 快递记录, as a clerk opens the console each morning.
    const signedIn = await scriptsLoaded(page, async () => {
      await page.goto('/admin/parcels');
      await page.getByRole('menuitem', { name: '快递记录' }).waitFor();
    });
    const total = (list: { gz: number }[]) => list.reduce((a, s) => a + s.gz, 0);
    const report = { budget: BUDGET, signedOut: { total: total(signedOut), scripts: signedOut }, signedIn: { total: total(signedIn), scripts: signedIn } };
    fs.mkdirSync(path.resolve('artifacts'), { recursive: true });
    fs.writeFileSync(path.resolve('artifacts', 'first-screen-js.json'), JSON.stringify(report, null, 2));
    expect(report.signedOut.total).toBeLessThanOrEqual(BUDGET);
    expect(report.signedIn.total).toBeLessThanOrEqual(BUDGET);
    expect(signedIn.length).toBeGreaterThan(0);
  });
});
