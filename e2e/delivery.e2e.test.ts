// 送货上门 in Chromium (SPEC §16), with the console payment provider's 模拟支付: the admin offers
// door delivery in 代收设置; on a 360 px phone the resident pays a parcel's custody fee, asks for
// the parcel at the door and pays; the desk sees 已支付, dispatches it to a runner (a clerk), who
// marks it delivered on a phone with a photo; the resident sees 已送达 and the parcel picked up.
import bwipjs from 'bwip-js';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../src/web/api-types.js';
import { createClerk, createWorld, enterParcel, expectStatus, staffLogin } from '../test/support/factories.js';
import { browserAvailable, phoneSignIn, preferenceAsked, signIn, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };
const DAY = 24 * 60 * 60 * 1000;
const toast = (page: Page, text: string) => page.locator('.ant-message-notice').getByText(text, { exact: true }).waitFor();
const mobileToast = (page: Page, text: string) => page.locator('.adm-toast-main').getByText(text, { exact: true }).waitFor();
/** Page code as a string: the tests are type-checked without the DOM's types. */
const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/** Confirms the console provider's 模拟支付 dialog, and waits for the app to say it is paid. */
async function simulatePayment(page: Page, amount: string): Promise<void> {
  // (antd-mobile's .adm-dialog is a zero-size frame; its body is what shows.)
  const dialog = page.locator('.adm-dialog-body', { hasText: '模拟支付（开发环境）' });
  await dialog.waitFor();
  expect(await dialog.innerText()).toContain(amount);
  await dialog.getByRole('button', { name: '支付成功' }).click();
  await mobileToast(page, '支付成功');
}

describe.skipIf(!browserAvailable)('送货上门', { timeout: 120_000 }, () => {
  const h = useConsole();

  it('a resident pays the fee, asks for door delivery and pays; the desk dispatches it; the runner delivers it with a photo', async () => {
    const w = await createWorld(h.t.app);
    const entered = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const p = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${entered.id}/receive`, {}), 200);
    // Two days and an hour at the desk at 2元/天: ¥4.00 due (the sessions of before have ended).
    h.t.clock.advance(2 * DAY + 3_600_000);
    const admin = await staffLogin(h.t.app, w.adminUsername, 'admin-pass-123');
    const runner = await createClerk(h.t.app, admin, [w.community.id]);

    // 代收设置: 送货上门 at ¥3.00 a parcel, in the evening.
    const desk = await h.newPage();
    await signIn(desk, w.adminUsername, 'admin-pass-123', '/admin/settings');
    const row = desk.locator('tbody tr', { hasText: w.community.name });
    expect(await row.innerText()).toContain('未开通');
    await row.getByRole('button', { name: '修改' }).click();
    const settings = desk.getByRole('dialog', { name: '代收信息设置' });
    await settings.getByLabel('送货上门单价').fill('3');
    await settings.getByLabel('送货时段').fill('18:00-21:00');
    await settings.getByRole('button', { name: '确认' }).click();
    await toast(desk, '代收信息已保存');
    await expect.poll(() => row.innerText(), WAIT).toContain('¥3.00/件');
    expect(expectStatus(await admin.get(`/api/communities/${w.community.id}`), 200)).toMatchObject({ doorDeliveryFen: 300, doorDeliveryHours: '18:00-21:00' });

    // The resident, on a 360 px phone: 支付保管费 first (a parcel with a fee due cannot be asked for).
    const resident = await h.newPage({ mobile: true, viewport: { width: 360, height: 720 } });
    await resident.goto('/resident/');
    await resident.waitForURL('**/resident/login');
    await preferenceAsked(resident, w.residentPhone);
    await phoneSignIn(resident, h.t.app, w.residentPhone);
    const card = resident.locator('article', { hasText: p.trackingNo });
    await card.getByRole('button', { name: '支付保管费 ¥4.00' }).click();
    await simulatePayment(resident, '¥4.00');
    await expect.poll(() => card.getByTestId('fee').innerText(), WAIT).toContain('已支付 ¥4.00');
    expect(await card.getByRole('button', { name: /支付保管费/ }).count()).toBe(0);

    await resident.locator('.kd-tabbar').getByText('送货上门').click();
    await resident.waitForURL('**/resident/delivery');
    await resident.getByTestId('delivery-parcels').getByText(p.trackingNo).click();
    await resident.getByRole('textbox', { name: '备注（选填）' }).fill('放门口即可');
    await resident.getByRole('button', { name: '申请送货上门（1件）' }).click();
    const priced = resident.locator('.adm-dialog-body', { hasText: '已提交送货上门申请' });
    await expect.poll(() => priced.getByTestId('delivery-price').innerText(), WAIT).toContain('¥3.00 × 1件 = ¥3.00');
    await priced.getByRole('button', { name: '去支付' }).click();
    await simulatePayment(resident, '¥3.00');
    const request = resident.getByTestId('delivery').first();
    await expect.poll(() => request.getByTestId('delivery-status').innerText(), WAIT).toBe('已支付');
    expect(await request.innerText()).toContain(p.trackingNo);
    expect(await request.getByRole('button', { name: '取消送货' }).count()).toBe(1);
    expect(await pageWidth(resident)).toBeLessThanOrEqual(360);
    await resident.locator('.adm-toast-main').waitFor({ state: 'detached' });
    await h.screenshot(resident, 'delivery-resident-paid');

    // The desk: 已支付 on the parcel, the request under 待派送, dispatched to the clerk.
    await desk.goto('/admin/parcels?tab=awaiting');
    await expect.poll(() => desk.locator('tbody tr', { hasText: p.trackingNo }).getByTestId('fee-paid').innerText(), WAIT).toBe('已支付 ¥4.00');
    await desk.getByRole('menuitem', { name: '送货上门' }).click();
    await desk.waitForURL('**/admin/deliveries');
    const asked = desk.locator('tbody tr', { hasText: p.trackingNo });
    await expect.poll(() => asked.innerText(), WAIT).toContain('放门口即可');
    expect(await asked.getByTestId('delivery-state').innerText()).toBe('待派送');
    await asked.getByRole('button', { name: '派送' }).click();
    const dispatch = desk.getByRole('dialog', { name: '派送送货上门' });
    await dispatch.getByLabel('送货人').click();
    await desk.locator('.ant-select-item-option', { hasText: runner.username }).click();
    await dispatch.getByRole('button', { name: '确认' }).click();
    await toast(desk, `已派送给 ${runner.username}`);
    await desk.getByRole('tab', { name: /派送中/ }).click();
    await expect.poll(() => desk.locator('tbody tr', { hasText: p.trackingNo }).innerText(), WAIT).toContain(runner.username);
    await h.screenshot(desk, 'delivery-desk-dispatched');

    // The runner, on a phone at the door: 已送达 with a photo taken by the phone's camera.
    const phone = await h.newPage({ mobile: true });
    await signIn(phone, runner.username, 'clerk-pass-123', '/admin/deliveries?tab=dispatched');
    const job = phone.getByTestId('delivery-card').filter({ hasText: p.trackingNo });
    await job.getByRole('button', { name: '已送达' }).click();
    const done = phone.getByRole('dialog', { name: '确认已送达' });
    const photo = await bwipjs.toBuffer({ bcid: 'qrcode', text: `delivered ${p.trackingNo}`, scale: 4 });
    await done.getByTestId('delivered-photo').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: photo });
    await done.locator('img').waitFor();
    expect(await pageWidth(phone)).toBeLessThanOrEqual(375);
    await h.screenshot(phone, 'delivery-runner-photo');
    await done.getByRole('button', { name: '已送达' }).click();
    await toast(phone, '已送达并完成领取');

    const after = expectStatus(await admin.get<Parcel>(`/api/parcels/${p.id}`), 200);
    expect(after).toMatchObject({ status: 'picked_up', pickedUpBy: { relation: 'delivery' }, hasProof: true, feeChargedFen: 400 });

    // The resident: 已送达, and the parcel among 已领取.
    await resident.reload();
    await expect.poll(() => resident.getByTestId('delivery').first().getByTestId('delivery-status').innerText(), WAIT).toBe('已送达');
    expect(await resident.getByRole('button', { name: '取消送货' }).count()).toBe(0);
    await h.screenshot(resident, 'delivery-resident-delivered');
    await resident.locator('.kd-tabbar').getByText('我的快递').click();
    await resident.getByRole('tab', { name: '已领取' }).click();
    await resident.locator('article', { hasText: p.trackingNo }).waitFor();
    expect(await resident.locator('article', { hasText: p.trackingNo }).innerText()).toContain('已领取');
  });
});
