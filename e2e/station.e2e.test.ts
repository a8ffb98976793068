// Station mode in the browser (SPEC.md §14): 50 parcels scanned at a handheld scanner's pace into
// 入库 (the next scan typed before the last one was answered, a page reload in the middle), a
// duplicate and a bad number shown without stopping the rest; the 40×30 mm label; the screen on a
// 360 px PDA; and 出库 of a resident's 3 parcels with one code and one Enter, with and without a fee.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Page as ListPage, Parcel, Shelf } from '../src/web/api-types.js';
import { createWorld, enterParcel, expectStatus, randomMobile, staffLogin } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const PASSWORD = 'admin-pass-123';
const WAIT = { timeout: 30_000, interval: 100 };
const DAY = 24 * 3_600_000;
/** A ¥150 scanner types a character every few milliseconds ("≤ 50 ms a key"). */
const KEY_DELAY_MS = 10;

type World = Awaited<ReturnType<typeof createWorld>>;

let seq = 0;
function trackingNo(): string {
  seq += 1;
  return `YT${String(Date.now() % 1e8).padStart(8, '0')}${String(seq).padStart(4, '0')}`;
}

/** What a handheld scanner does: the number typed key by key into the focused box, then Enter. */
async function scan(page: Page, no: string): Promise<void> {
  await page.keyboard.type(no, { delay: KEY_DELAY_MS });
  await page.keyboard.press('Enter');
}

/** The data-testid of the element with the focus (where the scanner's keys go). */
function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate<string | null>("document.activeElement && document.activeElement.getAttribute('data-testid')");
}

async function shelvesFor(world: World): Promise<Shelf[]> {
  const mk = async (code: string) =>
    expectStatus(await world.admin.post<Shelf>(`/api/communities/${world.community.id}/shelves`, { code, layers: 3, capacity: 100 }), 201);
  return [await mk('A'), await mk('B')];
}

/** The rows of 入库's list, oldest first, as [tracking number, state]. */
async function rows(page: Page): Promise<[string, string][]> {
  const all = await page
    .getByTestId('desk-row')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-tracking') ?? '', e.getAttribute('data-state') ?? ''] as [string, string]));
  return all.reverse();
}

describe.skipIf(!browserAvailable)('station mode', () => {
  const h = useConsole();

  it('入库: 50 parcels scanned at scanner speed, the next before the last answer and across a reload, arrive in order with labels; a duplicate and a bad number stop nothing', async () => {
    const world = await createWorld(h.t.app);
    await shelvesFor(world);
    // 40 the courier entered on the phone (lookup finds the recipient by the number's history),
    // 10 nobody entered: the clerk types the resident's last 4 digits before scanning.
    const known: string[] = [];
    for (let i = 0; i < 40; i++) {
      const no = trackingNo();
      expectStatus(await enterParcel(world.courier, { communityId: world.community.id, trackingNo: no, recipientPhone: world.residentPhone }), 201);
      known.push(no);
    }
    const unknown = Array.from({ length: 10 }, trackingNo);
    const order = [...known.slice(0, 20), ...unknown.slice(0, 5), ...known.slice(20), ...unknown.slice(5)];

    const page = await h.newPage();
    // Every answer takes 500 ms more: the scanner is always ahead of the server.
    await page.route('**/api/parcels/desk-intake', async (route) => {
      await new Promise((r) => setTimeout(r, 500));
      // A request of the page that was reloaded meanwhile is gone: nothing to continue.
      await route.continue().catch(() => undefined);
    });
    await signIn(page, world.adminUsername, PASSWORD, '/admin/intake');
    const scanBox = page.getByTestId('desk-scan');
    await scanBox.waitFor();
    const tail = world.residentPhone.slice(-4);
    let ahead = 0;
    for (const [i, no] of order.entries()) {
      if (unknown.includes(no)) {
        await page.getByTestId('desk-phone').click();
        await page.keyboard.type(tail, { delay: KEY_DELAY_MS });
        await scanBox.click();
      }
      await expect.poll(() => focusedTestId(page), WAIT).toBe('desk-scan');
      await scan(page, no);
      const open = (await rows(page)).filter(([, s]) => s !== 'done').length;
      ahead = Math.max(ahead, open);
      if (i === 24) {
        // The page goes away with scans still queued: they are kept and sent after the reload.
        await page.reload();
        await scanBox.waitFor();
      }
    }
    // A duplicate (scanned twice) and a number that is no number: each a red row with its reason.
    await scan(page, order[3] ?? '');
    await scan(page, 'AB');
    await expect.poll(async () => (await rows(page)).filter(([, s]) => s === 'done').length, { timeout: 90_000, interval: 250 }).toBe(50);
    expect(ahead, 'scans were queued while earlier ones were on the wire').toBeGreaterThan(1);
    const list = await rows(page);
    expect(list.slice(0, 50).map(([no]) => no)).toEqual(order);
    await expect.poll(async () => (await rows(page)).slice(50).map(([, s]) => s), WAIT).toEqual(['failed', 'failed']);
    // The list shows the newest first.
    const reasons = (await page.locator('.kd-desk-row[data-state="failed"] .kd-desk-reason').allInnerTexts()).reverse();
    expect(reasons[0]).toMatch(/重复|已存在|已录入/);
    expect(reasons[1]).toMatch(/单号/);
    await h.screenshot(page, 'station-intake');

    // On the server: 50 parcels waiting, each with a shelf label, the serials in scan order.
    const waiting = expectStatus(
      await world.admin.get<ListPage<Parcel>>(`/api/parcels?status=awaiting_pickup&communityId=${world.community.id}&pageSize=100`),
      200,
    );
    expect(waiting.total).toBe(50);
    const byNo = new Map(waiting.items.map((p) => [p.trackingNo, p]));
    const serials = order.map((no) => Number(byNo.get(no)?.shelfLabel?.split('-')[2]));
    expect(serials).toEqual([...serials].sort((a, b) => a - b));
    expect(new Set(waiting.items.map((p) => p.shelfLabel)).size).toBe(50);
    expect(waiting.items.every((p) => /^[AB]-[1-3]-\d{4}$/.test(p.shelfLabel ?? ''))).toBe(true);
    expect(byNo.get(unknown[0] ?? '')?.recipientPhone).toBe(world.residentPhone);
    expect(byNo.get(unknown[0] ?? '')?.source).toBe('desk');

    // The label of the last parcel, as the thermal printer gets it: 40×30 mm, the print media.
    await page.locator('.kd-desk-row[data-state="done"]').first().getByRole('button', { name: '打印' }).click();
    await page.emulateMedia({ media: 'print' });
    const label = page.getByTestId('print-label');
    await expect.poll(() => label.innerText(), WAIT).toContain(world.residentPhone.slice(-4));
    const box = await label.boundingBox();
    // 40 mm × 30 mm at 96 dpi is 151 × 113 CSS pixels.
    expect(Math.round(box?.width ?? 0)).toBe(151);
    expect(Math.round(box?.height ?? 0)).toBe(113);
    await h.screenshot(page, 'station-label');
    await page.emulateMedia({ media: 'screen' });
  }, 240_000);

  it('入库 on a 360 px PDA: a scan with the last 4 digits, no sideways scrolling', async () => {
    const world = await createWorld(h.t.app);
    const page = await h.newPage({ viewport: { width: 360, height: 640 } });
    await signIn(page, world.adminUsername, PASSWORD, '/admin/intake');
    await page.getByTestId('desk-phone').click();
    await page.keyboard.type(world.residentPhone.slice(-4));
    await page.getByTestId('desk-scan').click();
    await scan(page, trackingNo());
    await expect.poll(async () => (await rows(page)).map(([, s]) => s), WAIT).toEqual(['done']);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await h.screenshot(page, 'station-intake-360');
  }, 90_000);

  it('出库: a resident’s 3 parcels with one code and one Enter; a shelf label lists them and asks for the code', async () => {
    const world = await createWorld(h.t.app);
    await shelvesFor(world);
    const intake = async (phone: string) =>
      expectStatus(
        await world.admin.post<Parcel>(
          '/api/parcels/desk-intake',
          { communityId: world.community.id, trackingNo: trackingNo(), recipientPhone: phone },
          { 'idempotency-key': `e2e-${trackingNo()}` },
        ),
        201,
      );
    const mine = [await intake(world.residentPhone), await intake(world.residentPhone), await intake(world.residentPhone)];
    const other = await intake(randomMobile());

    const page = await h.newPage();
    // The clerk's communities arrive late (a slow line): the scan made before must still count.
    await page.route('**/api/communities', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await signIn(page, world.adminUsername, PASSWORD, '/admin/checkout');
    const box = page.getByTestId('checkout-key');
    await box.waitFor();
    await expect.poll(() => focusedTestId(page), WAIT).toBe('checkout-key');
    await scan(page, mine[1]?.pickupCode ?? '');
    await expect.poll(() => page.getByTestId('checkout-outcome').innerText(), WAIT).toContain('已出库 3 件');
    await page.unrouteAll();
    for (const p of mine) expect(expectStatus(await world.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).status).toBe('picked_up');
    expect(expectStatus(await world.admin.get<Parcel>(`/api/parcels/${other.id}`), 200).status).toBe('awaiting_pickup');
    await h.screenshot(page, 'station-checkout');

    // Three more, two days later (both sign-ins have ended by then: a staff session lasts a day),
    // with a custody fee each: the sum is asked once.
    const later = [await intake(world.residentPhone), await intake(world.residentPhone), await intake(world.residentPhone)];
    h.t.clock.advance(2 * DAY + 60_000);
    const admin = await staffLogin(h.t.app, world.adminUsername, PASSWORD);
    await signIn(page, world.adminUsername, PASSWORD, '/admin/checkout');
    const fee = expectStatus(
      await admin.get<{ totalFeeFen: number }>(`/api/parcels/checkout?communityId=${world.community.id}&key=${later[0]?.pickupCode}`),
      200,
    ).totalFeeFen;
    expect(fee).toBeGreaterThan(0);
    // By the shelf label first: the list shows, the code is asked for.
    await expect.poll(() => focusedTestId(page), WAIT).toBe('checkout-key');
    await scan(page, later[2]?.shelfLabel ?? '');
    await expect.poll(() => page.getByTestId('checkout-row').count(), WAIT).toBe(3);
    await expect.poll(() => focusedTestId(page), WAIT).toBe('checkout-code');
    // The resident's code, Enter: the guide's question with the summed fee; Enter answers 是.
    await scan(page, later[0]?.pickupCode ?? '');
    const question = page.getByTestId('pickup-question').filter({ visible: true });
    await expect.poll(() => question.innerText(), WAIT).toContain(`¥${(fee / 100).toFixed(2)}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('checkout-outcome').innerText(), WAIT).toContain('已出库 3 件');
    for (const p of later) expect(expectStatus(await admin.get<Parcel>(`/api/parcels/${p.id}`), 200).status).toBe('picked_up');
    await expect.poll(() => focusedTestId(page), WAIT).toBe('checkout-key');
  }, 120_000);
});
