// 快递记录 in the browser: the guide's normal flow (receive with damage, the resident's code, pickup
// by keyboard after 18 days at ¥36.00), the rejection flow, and a resident's parcels found by phone
// and received together.
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel, ParcelDetail } from '../src/web/api-types.js';
import { Client, createWorld, enterParcel, expectStatus, randomMobile, staffLogin } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const PASSWORD = 'admin-pass-123';
const SEARCH = '输入手机号/快递单号/收件人/领取码';
const HOUR = 3_600_000;
/** The app, the outbox worker and Chromium share a busy machine in CI: UI waits get room. */
const WAIT = { timeout: 15_000, interval: 100 };
const TEST_MS = 90_000;
const DAY = 24 * HOUR;

type World = Awaited<ReturnType<typeof createWorld>>;

async function enter(world: World, recipientPhone = world.residentPhone, recipientName = '李宜君'): Promise<Parcel> {
  return expectStatus(await enterParcel(world.courier, { communityId: world.community.id, recipientPhone, recipientName }), 201) as Parcel;
}

/** The row of a parcel, found by its tracking number. */
function row(page: Page, trackingNo: string): Locator {
  return page.locator('tbody tr', { hasText: trackingNo });
}

/** What the search box holds while it has focus; null when it has not. */
async function searchBoxFocused(page: Page): Promise<string | null> {
  const box = page.locator(`input[placeholder="${SEARCH}"]:focus`);
  return (await box.count()) === 1 ? box.inputValue() : null;
}

/** The pickup code in the resident's notice (the outbox worker sends it just after the answer). */
async function codeSentTo(client: Client, phone: string): Promise<string> {
  let code = '';
  await expect
    .poll(async () => {
      const r = await client.get<{ items: { text: string }[] }>(`/api/dev/messages?to=${phone}`);
      code = r.body.items.map((m) => /领取码(\d{6})/.exec(m.text)?.[1]).find(Boolean) ?? '';
      return code;
    }, WAIT)
    .toMatch(/^\d{6}$/);
  return code;
}

describe.skipIf(!browserAvailable)('快递记录', () => {
  const h = useConsole();

  it(
    'the guide’s normal flow: receive as damaged, then pickup by code and Enter after 18 days at ¥36.00',
    async () => {
      const world = await createWorld(h.t.app);
      const parcel = await enter(world);
      const page = await h.newPage();
      await signIn(page, world.adminUsername, PASSWORD, '/admin/parcels');

      // 待接收: the courier's parcel, as the guide's columns show it; the search box has focus.
      const line = row(page, parcel.trackingNo);
      await line.waitFor();
      await expect.poll(() => searchBoxFocused(page), WAIT).toBe('');
      await expect.poll(() => page.getByTestId('count-pending').textContent(), WAIT).toBe('(1)');
      const text = await line.innerText();
      for (const part of [
        '百世',
        world.courierName,
        world.courierPhone,
        '李宜君',
        world.residentPhone,
        `${world.community.name} 1/1/101`,
        '01-08 15:30 ¥0.00',
      ]) {
        expect(text).toContain(part);
      }

      await line.getByRole('button', { name: '接收' }).click();
      const receiveDialog = page.getByRole('dialog').filter({ hasText: '请确认是否要接收包裹' });
      await receiveDialog.getByRole('checkbox', { name: '外观有破损' }).check();
      await receiveDialog.getByRole('button', { name: '是' }).click();
      // The row stays in view in its new state, with the code.
      await expect.poll(() => line.innerText(), WAIT).toMatch(/待领取[\s\S]*领取码: \d{6}/);
      await expect.poll(() => page.getByTestId('count-pending').textContent(), WAIT).toBe('(0)');
      const received = expectStatus(await world.admin.get<ParcelDetail>(`/api/parcels/${parcel.id}`), 200);
      expect(received).toMatchObject({ status: 'awaiting_pickup', damaged: true });

      const code = await codeSentTo(world.admin, world.residentPhone);
      expect(code).toBe(received.pickupCode);

      // Eighteen days and a few hours later (the session has long expired: sign in again, back to
      // the same screen), the resident is at the counter with the code.
      h.t.clock.advance(18 * DAY + 3 * HOUR);
      await page.reload();
      await page.waitForURL('**/admin/login?next=*');
      await signIn(page, world.adminUsername, PASSWORD, page.url());
      expect(new URL(page.url()).pathname).toBe('/admin/parcels');
      await expect.poll(() => searchBoxFocused(page), WAIT).toBe('');
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
      // antd renders the title twice (once hidden, for the dialog's accessible name).
      const question = page.getByTestId('pickup-question').filter({ visible: true });
      await expect.poll(() => question.textContent(), WAIT).toBe('¥36.00 用户是否已缴纳保管费并领取包裹？');
      // 是 is the default: Enter confirms.
      await expect.poll(() => page.locator('button:focus').allTextContents(), WAIT).toEqual(['是']);
      await h.screenshot(page, 'parcels-pickup-dialog');
      await page.keyboard.press('Enter');

      await expect.poll(() => line.innerText(), WAIT).toContain('已领取');
      await expect.poll(() => searchBoxFocused(page), WAIT).toBe('');
      expect(new URL(page.url()).searchParams.get('q')).toBeNull();
      const admin = await staffLogin(h.t.app, world.adminUsername, PASSWORD);
      const done = expectStatus(await admin.get<ParcelDetail>(`/api/parcels/${parcel.id}`), 200);
      expect(done).toMatchObject({ status: 'picked_up', feeChargedFen: 3600 });
      await h.screenshot(page, 'parcels-picked-up');

      // The row opens its details and history.
      await line.locator('td').nth(3).click();
      const drawer = page.getByTestId('parcel-drawer');
      await expect.poll(() => drawer.innerText(), WAIT).toContain('收取保管费 ¥36.00');
      const history = await drawer.innerText();
      for (const part of ['快递员录入', '待接收 → 待领取', '外观有破损', '待领取 → 已领取']) expect(history).toContain(part);
      await h.screenshot(page, 'parcels-drawer');
    },
    TEST_MS,
  );

  it(
    'rejects with a reason; the courier sees it rejected, with the reason',
    async () => {
      const world = await createWorld(h.t.app);
      const parcel = await enter(world);
      const page = await h.newPage();
      await signIn(page, world.adminUsername, PASSWORD, '/admin/parcels');

      const line = row(page, parcel.trackingNo);
      await line.getByRole('button', { name: '拒收' }).click();
      const dialog = page.getByRole('dialog').filter({ hasText: '请确认是否要拒收包裹' });
      await dialog.getByPlaceholder('拒收原因（选填）').fill('收件人已搬走');
      await dialog.getByRole('button', { name: '拒收' }).click();

      await expect.poll(() => line.innerText(), WAIT).toContain('已拒收');
      await expect.poll(() => page.getByTestId('count-pending').textContent(), WAIT).toBe('(0)');
      const mine = expectStatus(await world.courier.get<{ items: Parcel[] }>('/api/courier/parcels'), 200);
      expect(mine.items.find((p) => p.id === parcel.id)).toMatchObject({ status: 'rejected', rejectReason: '收件人已搬走' });
      await h.screenshot(page, 'parcels-rejected');
    },
    TEST_MS,
  );

  it(
    'asks again when the fee changed while the dialog was open; 撤销 waives the fee',
    async () => {
      const world = await createWorld(h.t.app);
      const parcel = await enter(world);
      expectStatus(await world.admin.post(`/api/parcels/${parcel.id}/receive`, {}), 200);
      // Five minutes before the second day turns: one day's fee, ¥2.00.
      h.t.clock.advance(2 * DAY - 5 * 60_000);
      const admin = await staffLogin(h.t.app, world.adminUsername, PASSWORD);
      const page = await h.newPage();
      await signIn(page, world.adminUsername, PASSWORD, '/admin/parcels');
      await page.getByRole('tab', { name: /待领取/ }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('tab'), WAIT).toBe('awaiting');
      const line = row(page, parcel.trackingNo);
      await line.getByRole('button', { name: '待领取' }).click();
      const question = page.getByTestId('pickup-question').filter({ visible: true });
      await expect.poll(() => question.textContent(), WAIT).toBe('¥2.00 用户是否已缴纳保管费并领取包裹？');

      // The resident counts out the coins; meanwhile the day turns. 是 sends ¥2.00, the API says
      // the fee is now ¥4.00, and the dialog asks again with that amount.
      h.t.clock.advance(10 * 60_000);
      await page.getByRole('dialog').getByRole('button', { name: '是' }).click();
      await expect.poll(() => question.textContent(), WAIT).toBe('¥4.00 用户是否已缴纳保管费并领取包裹？');
      expect(await page.getByRole('dialog').filter({ visible: true }).innerText()).toContain('保管费已变为 ¥4.00，请向用户重新确认');
      await page.getByRole('dialog').getByRole('button', { name: '否' }).click();
      await expect.poll(() => question.count(), WAIT).toBe(0);
      expect(expectStatus(await admin.get<Parcel>(`/api/parcels/${parcel.id}`), 200).status).toBe('awaiting_pickup');

      // 撤销: the fee is waived, the row shows ¥0.00 and no longer offers 撤销.
      await expect.poll(() => line.innerText(), WAIT).toContain('¥4.00');
      await line.getByRole('button', { name: '撤销' }).click();
      await page.getByRole('dialog').filter({ hasText: '确认撤销该包裹的保管费 ¥4.00？' }).getByRole('button', { name: '确认' }).click();
      await expect.poll(() => line.innerText(), WAIT).toContain('¥0.00');
      expect(await line.getByRole('button', { name: '撤销' }).count()).toBe(0);
      expect(expectStatus(await admin.get<Parcel>(`/api/parcels/${parcel.id}`), 200)).toMatchObject({ feeFen: 0, feeWaived: true });
      await expect.poll(() => page.getByRole('dialog').count(), WAIT).toBe(0);
      await h.screenshot(page, 'parcels-waived');
    },
    TEST_MS,
  );

  it(
    'lists all of a resident’s parcels by phone and receives two of them together',
    async () => {
      const world = await createWorld(h.t.app);
      const [a, b, c] = [await enter(world), await enter(world), await enter(world)];
      const other = await enter(world, randomMobile(), '王五');
      expectStatus(await world.admin.post(`/api/parcels/${c.id}/receive`, {}), 200);
      const page = await h.newPage();
      await signIn(page, world.adminUsername, PASSWORD, '/admin/parcels');
      await row(page, other.trackingNo).waitFor();

      await page.getByPlaceholder(SEARCH).fill(world.residentPhone);
      await page.getByRole('button', { name: '搜索' }).click();
      // Every state: the two pending and the one awaiting pickup, and nobody else's.
      await row(page, c.trackingNo).getByRole('button', { name: '待领取' }).waitFor();
      await expect.poll(() => row(page, other.trackingNo).count(), WAIT).toBe(0);
      expect(await page.locator('tbody tr').count()).toBe(3);
      expect(new URL(page.url()).searchParams.get('q')).toBe(world.residentPhone);

      await page.getByRole('checkbox', { name: a.trackingNo }).check();
      await page.getByRole('checkbox', { name: b.trackingNo }).check();
      await page.getByRole('button', { name: '更多操作' }).click();
      await page.getByRole('menuitem', { name: '接收' }).click();
      const dialog = page.getByRole('dialog').filter({ hasText: '请确认是否要接收包裹' });
      await expect.poll(() => dialog.innerText(), WAIT).toContain('已选 2 个');
      await dialog.getByRole('button', { name: '是' }).click();
      await expect.poll(() => page.getByTestId('batch-report').innerText(), WAIT).toContain('接收：成功 2 个，失败 0 个');
      for (const p of [a, b]) {
        expect(expectStatus(await world.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).status).toBe('awaiting_pickup');
        await expect.poll(() => row(page, p.trackingNo).innerText(), WAIT).toContain('领取码');
      }
      await h.screenshot(page, 'parcels-batch');

      // 导出 csv: the list as filtered, the resident's three parcels only.
      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: '更多操作' }).click();
      await page.getByRole('menuitem', { name: '导出 csv' }).click();
      const file = await (await downloading).path();
      const csv = fs.readFileSync(file, 'utf8');
      for (const p of [a, b, c]) expect(csv).toContain(p.trackingNo);
      expect(csv).not.toContain(other.trackingNo);

      // A reload returns to the same search.
      await page.reload();
      await expect.poll(() => page.locator('tbody tr').count(), WAIT).toBe(3);
      expect(await page.getByPlaceholder(SEARCH).inputValue()).toBe(world.residentPhone);
    },
    TEST_MS,
  );
});
