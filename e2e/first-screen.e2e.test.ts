import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createWorld } from '../test/support/factories.js';
import { browserAvailable, phoneSignIn, signIn, useConsole } from './support/browser.js';

const BUDGET = 300 * 1024;
/** The courier and resident apps, opened on a phone in a basement. */
const MOBILE_BUDGET = 200 * 1024;

/**
 * Every script the page loads while `load` runs, with its gzipped size (gzip -9 of the bytes the
 * server sends). The scripts are fetched again afterwards: a response's body can be gone once the
 * page has moved on.
 */
const total = (list: { gz: number }[]) => list.reduce((a, s) => a + s.gz, 0);

/** artifacts/first-screen-js.json: each app's figures, kept beside the others'. */
function writeReport(app: string, report: unknown): void {
  const file = path.resolve('artifacts', 'first-screen-js.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const all: Record<string, unknown> = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(file, JSON.stringify({ ...all, [app]: report }, null, 2));
}

async function scriptsLoaded(page: Page, baseUrl: string, load: () => Promise<void>): Promise<{ url: string; gz: number }[]> {
  const urls = new Set<string>();
  const onRequest = (req: import('playwright-core').Request) => {
    if (req.resourceType() === 'script') urls.add(new URL(req.url()).pathname);
  };
  page.on('request', onRequest);
  await load();
  await page.waitForLoadState('networkidle');
  page.off('request', onRequest);
  return Promise.all(
    [...urls].map(async (url) => {
      const res = await fetch(new URL(url, baseUrl));
      return { url, gz: gzipSync(Buffer.from(await res.arrayBuffer()), { level: 9 }).length };
    }),
  );
}

describe.skipIf(!browserAvailable)('the first screens', { timeout: 60_000 }, () => {
  const h = useConsole();

  it(`loads at most ${BUDGET / 1024} kB of gzipped JavaScript, signed out and signed in`, async () => {
    const world = await createWorld(h.t.app);
    const page = await h.newPage();
    const signedOut = await scriptsLoaded(page, h.baseUrl, async () => {
      await page.goto('/admin/login');
      await page.getByLabel('用户名').waitFor();
    });
    await signIn(page, world.adminUsername, 'admin-pass-123');
    // A new visit with a session: the frame and 快递记录, the desk's screen a clerk keeps open all day
    // (the console opens on 数据看板, whose charts load apart, after its first paint).
    const signedIn = await scriptsLoaded(page, h.baseUrl, async () => {
      await page.goto('/admin/parcels');
      await page.getByRole('menuitem', { name: '快递记录' }).waitFor();
    });
    const report = { budget: BUDGET, signedOut: { total: total(signedOut), scripts: signedOut }, signedIn: { total: total(signedIn), scripts: signedIn } };
    writeReport('admin', report);
    expect(report.signedOut.total).toBeLessThanOrEqual(BUDGET);
    expect(report.signedIn.total).toBeLessThanOrEqual(BUDGET);
    expect(signedIn.length).toBeGreaterThan(0);
  });

  it(`loads at most ${MOBILE_BUDGET / 1024} kB of gzipped JavaScript in the courier and resident apps on a phone`, async () => {
    const world = await createWorld(h.t.app);
    for (const app of ['courier', 'resident'] as const) {
      const page = await h.newPage({ mobile: true });
      const signedOut = await scriptsLoaded(page, h.baseUrl, async () => {
        await page.goto(`/${app}/login`);
        await page.getByRole('textbox', { name: '验证码', exact: true }).waitFor();
      });
      h.t.clock.advance(120_000); // past the resend interval of the code createWorld's sign-in sent
      await phoneSignIn(page, h.t.app, app === 'courier' ? world.courierPhone : world.residentPhone);
      await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === `/${app}`);
      const signedIn = await scriptsLoaded(page, h.baseUrl, async () => {
        await page.goto(`/${app}/`);
        await (app === 'courier' ? page.getByRole('textbox', { name: '快递单号', exact: true }) : page.getByRole('tab', { name: /已接收/ })).waitFor();
      });
      const report = {
        budget: MOBILE_BUDGET,
        signedOut: { total: total(signedOut), scripts: signedOut },
        signedIn: { total: total(signedIn), scripts: signedIn },
      };
      writeReport(app, report);
      expect(report.signedOut.total, `${app} signed out`).toBeLessThanOrEqual(MOBILE_BUDGET);
      expect(report.signedIn.total, `${app} signed in`).toBeLessThanOrEqual(MOBILE_BUDGET);
    }
  });
});
