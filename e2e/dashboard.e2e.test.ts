// 数据看板 in Chromium: a day of parcels made through the API (yesterday one received; today it is
// picked up after 25 hours for ¥2.00, two received, one rejected, one left pending), then the
// admin signs in and lands on the dashboard: today's cards, the three charts drawn on their
// canvases, 近30天 and a community (an empty one shows the empty states), the tables, a custom
// range from the address, the xlsx export; and a clerk, who lands there too and sees only theirs.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../test/support/api.js';
import { createClerk, createCommunity, createWorld, enterParcel, expectStatus, staffLogin } from '../test/support/factories.js';
import { loadXlsx, sheetRows } from '../test/support/spreadsheets.js';
import { shanghaiDayHour } from '../src/shared/time.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };
const HOUR = 3_600_000;
const CARDS = ['waitingNow', 'staleNow', 'received', 'pickedUp', 'rejected', 'returned', 'dwell', 'feeIncome', 'serviceIncome'] as const;
const CHARTS = ['chart-parcels', 'chart-fees', 'chart-communities'] as const;

/** The cards' figures as shown (empty while they load). */
async function figures(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of CARDS) out[key] = (await page.getByTestId(`stat-${key}`).locator('.ant-statistic-content').allInnerTexts()).join('').trim();
  return out;
}

/** What the cards show for parcels `received`, `pickedUp`, … (the rest as the world leaves them). */
function expected(f: { received: number; pickedUp: number; rejected: number; waiting: number; fee: string; dwell: string }): Record<string, string> {
  const { received, pickedUp, rejected, waiting, fee, dwell } = f;
  return {
    waitingNow: String(waiting),
    staleNow: '0',
    received: String(received),
    pickedUp: String(pickedUp),
    rejected: String(rejected),
    returned: '0',
    dwell,
    feeIncome: fee,
    serviceIncome: '¥0.00',
  };
}

interface Canvas2d {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** A chart's canvas: its size on the page, and how many of its pixels ECharts painted. */
async function canvasOf(page: Page, chart: string): Promise<{ width: number; height: number; painted: number }> {
  const canvas = page.getByTestId(chart).locator('canvas').first();
  await canvas.waitFor();
  const box = (await canvas.boundingBox()) ?? { width: 0, height: 0 };
  // Runs in the page: the canvas as far as this test reads it (the test's types have no DOM).
  const painted = await canvas.evaluate((el: unknown) => {
    const c = el as Canvas2d;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n;
  });
  return { width: box.width, height: box.height, painted };
}

/** Chooses a community in the 小区 picker. */
async function pickCommunity(page: Page, name: string): Promise<void> {
  await page.getByLabel('小区', { exact: true }).click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${name}"]`).click();
}

/** Every uncaught error and console error of a page (the harness checks them too, after the test). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs the API's 4xx answers (a 401 before sign-in) as failed loads: those are handled.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console.error: ${msg.text()}`);
  });
  return errors;
}

describe.skipIf(!browserAvailable)('数据看板', { timeout: 120_000 }, () => {
  const h = useConsole();

  it('opens the console on today’s figures, draws the charts, follows the range and community, and exports the days', async () => {
    const w = await createWorld(h.t.app);
    const empty = await createCommunity(w.admin);
    const yesterday = shanghaiDayHour(h.t.clock.now()).day;
    const enter = async () => expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const kept = await enter();
    expectStatus(await w.admin.post<Parcel>(`/api/parcels/${kept.id}/receive`, {}), 200);
    // A day and an hour later (the admin's API session has ended: a new one).
    h.t.clock.advance(25 * HOUR);
    const today = shanghaiDayHour(h.t.clock.now()).day;
    const admin = await staffLogin(h.t.app, w.adminUsername, 'admin-pass-123');
    const [b, c, d] = [await enter(), await enter(), await enter()];
    await enter();
    for (const p of [b, c]) expectStatus(await admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
    expectStatus(await admin.post<Parcel>(`/api/parcels/${d.id}/reject`, { reason: '查无此人' }), 200);
    const owed = expectStatus(await admin.get<Parcel>(`/api/parcels/${kept.id}`), 200).feeFen;
    expect(owed).toBe(200);
    expectStatus(await admin.post<Parcel>(`/api/parcels/${kept.id}/pickup`, { feeFen: owed }), 200);

    // The browser's days are the server's: its clock is the test's.
    const page = await h.newPage();
    const errors = watchErrors(page);
    await page.clock.setFixedTime(h.t.clock.now());
    await signIn(page, w.adminUsername, 'admin-pass-123');
    await page.waitForURL('**/admin/dashboard');
    await page.getByRole('heading', { name: '数据看板' }).waitFor();
    expect(await page.locator('.ant-menu-item-selected').innerText()).toBe('数据看板');
    expect(await page.getByRole('menuitem').first().innerText()).toBe('数据看板');

    // 近7天 by default: both days.
    const week = expected({ received: 3, pickedUp: 1, rejected: 1, waiting: 2, fee: '¥2.00', dwell: '25 小时' });
    await expect.poll(() => figures(page), WAIT).toEqual(week);
    expect(await page.getByTestId('range-text').innerText()).toContain('共 7 天');

    // 今天: the two received today, the one picked up after 25 hours, the one rejected.
    await page.locator('.ant-segmented-item', { hasText: '今天' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === 'today');
    await expect.poll(() => figures(page), WAIT).toEqual(expected({ received: 2, pickedUp: 1, rejected: 1, waiting: 2, fee: '¥2.00', dwell: '25 小时' }));
    expect(await page.getByTestId('range-text').innerText()).toContain(`${today} 至 ${today}`);
    expect(await page.getByTestId('stat-dwell-note').innerText()).toBe('90%：25 小时');
    expect(await page.getByTestId('stat-sms-note').innerText()).toMatch(/^微信 \d+ 条$/);
    for (const chart of CHARTS) {
      const canvas = await canvasOf(page, chart);
      expect(canvas.width, chart).toBeGreaterThan(100);
      expect(canvas.height, chart).toBeGreaterThan(100);
      expect(canvas.painted, chart).toBeGreaterThan(0);
    }

    // 近30天, then the empty community: zeros, — for the dwell time, and the charts' empty states.
    await page.locator('.ant-segmented-item', { hasText: '近30天' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === '30d');
    await expect.poll(() => figures(page), WAIT).toEqual(week);
    await pickCommunity(page, empty.name);
    await page.waitForURL((url) => url.searchParams.get('communityId') === String(empty.id) && url.searchParams.get('range') === '30d');
    await expect.poll(() => figures(page), WAIT).toEqual(expected({ received: 0, pickedUp: 0, rejected: 0, waiting: 0, fee: '¥0.00', dwell: '—' }));
    for (const chart of CHARTS) {
      await expect.poll(() => page.getByTestId(chart).locator('.ant-empty').count(), WAIT).toBe(1);
      expect(await page.getByTestId(chart).locator('canvas').count()).toBe(0);
    }

    // The world's community: its figures are all of them; the charts come back, the tables name it.
    await pickCommunity(page, w.community.name);
    await page.waitForURL((url) => url.searchParams.get('communityId') === String(w.community.id));
    await expect.poll(() => figures(page), WAIT).toEqual(week);
    for (const chart of CHARTS) expect((await canvasOf(page, chart)).painted, chart).toBeGreaterThan(0);
    const cells = (table: string, text: string) => page.getByTestId(table).locator('.ant-table-row', { hasText: text }).locator('td').allInnerTexts();
    expect(await cells('table-couriers', w.courierName)).toEqual([w.courierName, '百世', '3', '1', '0', '25.0%']);
    expect(await cells('table-carriers', '百世')).toEqual(['百世', '3', '1', '1', '0']);
    expect(await cells('table-communities', w.community.name)).toEqual([w.community.name, '3', '1', '¥2.00', '2']);
    await h.screenshot(page, 'dashboard');

    // 导出 → Excel: the 30 days of the community, today's row with its figures.
    await page.getByTestId('table-daily').getByRole('button', { name: /导出/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Excel (.xlsx)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^数据看板_\d{8}\.xlsx$/);
    const sheet = (await loadXlsx(fs.readFileSync(await download.path()))).worksheets[0];
    if (!sheet) throw new Error('the export has no sheet');
    const [head, ...body] = sheetRows(sheet);
    expect(head).toEqual(['日期', '入库', '出库', '拒收', '退回', '保管费（元）', '服务收入（元）', '短信']);
    expect(body).toHaveLength(30);
    expect(body.find((r) => r[0] === today)?.slice(0, 5)).toEqual([today, '2', '1', '1', '0']);
    expect(body.find((r) => r[0] === today)?.[5]).toBe('2.00');

    // A custom range from the address: yesterday alone, one parcel received, nothing picked up.
    await page.goto(`/admin/dashboard?from=${yesterday}&to=${yesterday}`);
    await expect.poll(() => page.locator('.ant-segmented-item-selected', { hasText: '自定义' }).count(), WAIT).toBe(1);
    expect(await page.getByTestId('range-text').innerText()).toBe(`${yesterday} 至 ${yesterday}，共 1 天`);
    expect(await page.getByPlaceholder('开始日期').inputValue()).toBe(yesterday);
    expect(await page.getByPlaceholder('结束日期').inputValue()).toBe(yesterday);
    await expect.poll(() => figures(page), WAIT).toEqual(expected({ received: 1, pickedUp: 0, rejected: 0, waiting: 2, fee: '¥0.00', dwell: '—' }));
    expect(errors).toEqual([]);

    // A clerk of the empty community lands on 数据看板 too, with only that community to choose.
    const clerk = await createClerk(h.t.app, admin, [empty.id]);
    const clerkPage = await h.newPage();
    const clerkErrors = watchErrors(clerkPage);
    await clerkPage.clock.setFixedTime(h.t.clock.now());
    await signIn(clerkPage, clerk.username, 'clerk-pass-123');
    await clerkPage.waitForURL('**/admin/dashboard');
    await expect.poll(() => figures(clerkPage), WAIT).toEqual(expected({ received: 0, pickedUp: 0, rejected: 0, waiting: 0, fee: '¥0.00', dwell: '—' }));
    await clerkPage.getByLabel('小区', { exact: true }).click();
    expect(await clerkPage.locator('.ant-select-dropdown:visible .ant-select-item-option').allInnerTexts()).toEqual([empty.name]);
    expect(clerkErrors).toEqual([]);
  });
});
