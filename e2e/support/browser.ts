// The browser side of the end-to-end tests: the real app (on the test database, with a clock the
// test moves) listening on a port and serving the built console, and Debian's Chromium driven by
// playwright-core. Every page's errors are collected; a test fails on any of them.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { DEFAULT_WEB_DIR } from '../../src/server/config.js';
import { buildTestApp, type TestApp, type TestClock } from '../../test/support/app.js';
import { Client, lastCode } from '../../test/support/factories.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests can run here. Without Chromium they are skipped, unless
 * REQUIRE_BROWSER=1 (CI sets it), where a missing browser or console build fails the run.
 */
export const browserAvailable: boolean = (() => {
  const ok = fs.existsSync(CHROMIUM);
  if (!ok && process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return ok;
})();

/** The built web apps the tests load: dist/web, or WEB_DIR. */
const WEB_DIR = process.env.WEB_DIR ? path.resolve(process.env.WEB_DIR) : DEFAULT_WEB_DIR;
const ARTIFACTS = path.resolve('artifacts', 'e2e', inject('pgUrl') ? 'postgres' : 'sqlite');

export interface ConsoleHarness {
  readonly t: TestApp;
  readonly baseUrl: string;
  readonly browser: Browser;
  /**
   * A fresh browser context (its own cookies) and page, watched for errors. `mobile` emulates a
   * 375×667 touch phone (the smallest the mobile apps are laid out for); `permissions` are granted.
   */
  newPage(opts?: { viewport?: { width: number; height: number }; mobile?: boolean; permissions?: string[] }): Promise<Page>;
  /** Saves a full-page screenshot as artifacts/e2e/<db>/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
}

/** A phone in WeChat's browser, as the courier and resident apps meet it. */
const MOBILE_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47';

/**
 * Starts the app with the built web apps and one Chromium for a test file, and checks after each
 * test that no page threw or logged an error. `chromiumArgs` are added to the launch (a fake camera);
 * `clock` is the server's (the test clock's default start otherwise).
 */
export function useConsole(opts: { chromiumArgs?: string[]; clock?: TestClock } = {}): ConsoleHarness {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  const contexts: BrowserContext[] = [];
  let errors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB_DIR, 'admin', 'index.html'))) {
      throw new Error(`the web apps are not built in ${WEB_DIR}: run \`npm run build\` (npm test builds them)`);
    }
    t = await buildTestApp({ config: { backgroundJobs: true, webDir: WEB_DIR }, clock: opts.clock });
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(opts.chromiumArgs ?? [])] });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterEach(async (ctx) => {
    // A failed test leaves a picture of every page it had open, to see what the browser saw.
    if (ctx.task.result?.state === 'fail') {
      const name = ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
      const pages = contexts.flatMap((c) => c.pages());
      for (const [i, page] of pages.entries()) await page.screenshot({ path: path.join(ARTIFACTS, `FAILED-${name}-${i}.png`) }).catch(() => undefined);
    }
    for (const c of contexts.splice(0)) await c.close();
    const seen = errors;
    errors = [];
    expect(seen, 'errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the console harness starts in beforeAll');
    return v;
  };

  return {
    get t() {
      return need(t);
    },
    get baseUrl() {
      return baseUrl;
    },
    get browser() {
      return need(browser);
    },
    async newPage(pageOpts = {}) {
      const phone = pageOpts.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2, userAgent: MOBILE_UA } : {};
      const context = await need(browser).newContext({
        ...phone,
        baseURL: baseUrl,
        viewport: pageOpts.viewport ?? (pageOpts.mobile ? { width: 375, height: 667 } : { width: 1440, height: 900 }),
        permissions: pageOpts.permissions,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        // The console then turns antd's motion off: no click lands on a dialog still opening.
        reducedMotion: 'reduce',
        acceptDownloads: true,
      });
      contexts.push(context);
      // A step that hangs fails by itself, naming the step, well before the test's own timeout.
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      // Chromium logs every 4xx answer as "Failed to load resource"; the API's 4xx are answers the
      // console handles (a 401 before sign-in, a 409 it shows), so responses are judged here
      // instead: any 5xx, and any 4xx outside the API (a missing asset), is an error.
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console.error: ${msg.text()}`);
      });
      page.on('response', (res) => {
        const { pathname } = new URL(res.url());
        if (res.status() >= 500 || (res.status() >= 400 && !pathname.startsWith('/api/'))) errors.push(`${res.status()} ${res.request().method()} ${pathname}`);
      });
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}

/** Signs in on the console's login page and waits for the first screen. */
export async function signIn(page: Page, username: string, password: string, path = '/admin/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/login'));
}

/** Signs in on a mobile app's screen with phone + SMS code (read from the dev inbox), and the name on a courier's first time. */
export async function phoneSignIn(page: Page, app: TestApp['app'], phone: string, name?: string): Promise<void> {
  const wait = { timeout: 15_000, interval: 100 };
  await page.getByRole('textbox', { name: '手机号', exact: true }).fill(phone);
  // The code this click sends: the inbox may already hold older ones for this phone.
  const inbox = () => new Client(app).get<{ items: { text: string }[] }>(`/api/dev/messages?to=${phone}`).then((r) => r.body.items);
  const before = (await inbox()).length;
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect.poll(async () => (await inbox()).length, wait).toBeGreaterThan(before);
  await page.getByRole('textbox', { name: '验证码', exact: true }).fill(await lastCode(app, phone));
  await page.getByRole('button', { name: '登录' }).click();
  if (name === undefined) return;
  // A courier's first sign-in: the app then asks for the name the front desk entered.
  await page.getByRole('textbox', { name: '姓名', exact: true }).fill(name);
  await page.getByRole('button', { name: '登录' }).click();
}

/**
 * The resident app asked this phone its 收件偏好 before (src/web/resident/Preferences.tsx keeps
 * that in localStorage): the first-sign-in question does not open. The page is on the app already.
 */
export async function preferenceAsked(page: Page, phone: string): Promise<void> {
  await page.evaluate(`localStorage.setItem('kd-pref-asked:${phone}', '1')`);
}
