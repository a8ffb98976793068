// 收件偏好 in Chromium (SPEC §19): at the first sign-in the resident app asks once how parcels
// should come; the resident answers 送货上门, then changes it in one tap on the 收件偏好 page;
// the courier typing that resident's phone sees "该住户要求送货上门" and must confirm to submit anyway.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../src/web/api-types.js';
import { createWorld, expectStatus } from '../test/support/factories.js';
import { browserAvailable, phoneSignIn, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };
const mobileToast = (page: Page, text: string) => page.locator('.adm-toast-main').getByText(text, { exact: true }).waitFor();

describe.skipIf(!browserAvailable)('收件偏好', { timeout: 120_000 }, () => {
  const h = useConsole();

  it('the resident is asked once and changes it in one tap; the courier sees the banner and confirms', async () => {
    const w = await createWorld(h.t.app);
    // What the server holds (a sign-in of the test's own would run into the phone's code limit).
    const prefs = () => h.t.database.db.selectFrom('preferences').select(['mode', 'consent_at']).where('phone', '=', w.residentPhone).executeTakeFirst();

    // First sign-in: the question, in plain Chinese, once.
    const resident = await h.newPage({ mobile: true, viewport: { width: 360, height: 720 } });
    await resident.goto('/resident/');
    await resident.waitForURL('**/resident/login');
    await phoneSignIn(resident, h.t.app, w.residentPhone);
    const ask = resident.locator('.adm-dialog-body', { hasText: '您希望怎样收快递？' });
    await ask.waitFor(WAIT);
    expect(await ask.getByTestId('preference-ask').innerText()).toContain(w.community.name);
    await h.screenshot(resident, 'preference-ask');
    await ask.getByRole('button', { name: '请送货上门' }).click();
    await expect.poll(async () => (await prefs())?.mode, WAIT).toBe('door');
    await resident.reload();
    await resident.waitForLoadState('networkidle');
    expect(await resident.locator('.adm-dialog-body', { hasText: '您希望怎样收快递？' }).count()).toBe(0);

    // 收件偏好: one tap to 代收 (with its consent time), one tap back to 送货上门.
    await resident.goto('/resident/?tab=preferences');
    const collect = resident.getByTestId(`pref-${w.community.id}-collect`);
    await collect.click();
    await mobileToast(resident, '已保存');
    await expect.poll(async () => (await prefs())?.mode, WAIT).toBe('collect');
    await expect.poll(() => resident.getByTestId(`pref-${w.community.id}-consent`).innerText(), WAIT).toContain('同意时间');
    await resident.locator('.adm-toast-main').waitFor({ state: 'detached' });
    await resident.getByTestId(`pref-${w.community.id}-door`).click();
    await mobileToast(resident, '已保存');
    await expect.poll(async () => (await prefs())?.mode, WAIT).toBe('door');
    await h.screenshot(resident, 'preferences');

    // The courier types the phone: the banner; submitting asks first, 取消 sends nothing.
    // (A minute later: createWorld signed the courier in through the API, and a phone gets one code a minute.)
    h.t.clock.advance(61_000);
    const courier = await h.newPage({ mobile: true });
    await courier.goto('/courier/');
    await courier.waitForURL('**/courier/login');
    await phoneSignIn(courier, h.t.app, w.courierPhone);
    await courier.waitForURL((url) => /^\/courier\/?$/.test(url.pathname));
    const trackingNo = `PF${Date.now()}`;
    await courier.getByRole('textbox', { name: '快递单号', exact: true }).fill(trackingNo);
    await courier.getByRole('textbox', { name: '收件人手机', exact: true }).fill(w.residentPhone);
    await expect.poll(() => courier.getByTestId('preference-banner').innerText(), WAIT).toContain('该住户要求送货上门');
    await h.screenshot(courier, 'courier-preference-banner');
    await courier.getByRole('textbox', { name: '收件人姓名', exact: true }).fill('王五');
    const listed = async () => expectStatus(await w.admin.get<{ total: number; items: Parcel[] }>(`/api/parcels?q=${trackingNo}`), 200);
    await courier.getByRole('button', { name: '提交' }).click();
    const confirm = courier.locator('.adm-dialog-body', { hasText: '该住户未同意代收，仍要放入代收点吗？' });
    await confirm.waitFor(WAIT);
    await confirm.getByRole('button', { name: '取消' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await listed()).total).toBe(0);
    await courier.getByRole('button', { name: '提交' }).click();
    await confirm.waitFor(WAIT);
    await confirm.getByRole('button', { name: '仍然提交' }).click();
    await expect.poll(async () => (await listed()).total, WAIT).toBe(1);
  });
});
