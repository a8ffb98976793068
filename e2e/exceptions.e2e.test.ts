// 问题件 and 退回 in the browser: a waiting parcel flagged from its row, found in the 问题件 tab,
// resolved with a fresh code; another returned to its courier and marked taken back in 已退回.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../src/web/api-types.js';
import { createWorld, enterParcel, expectStatus } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };
const row = (page: Page, trackingNo: string): Locator => page.locator('tbody tr', { hasText: trackingNo });
const toast = (page: Page, text: string) => page.locator('.ant-message-notice').getByText(text, { exact: true }).waitFor();

describe.skipIf(!browserAvailable)('问题件 and 退回', { timeout: 90_000 }, () => {
  const h = useConsole();

  it('flags a parcel, resolves it from the 问题件 tab; returns another and records its hand-over', async () => {
    const w = await createWorld(h.t.app);
    const waiting = async () => {
      const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
      return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
    };
    const [a, b] = [await waiting(), await waiting()];
    const page = await h.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, w.adminUsername, 'admin-pass-123', '/admin/parcels?tab=awaiting');

    await row(page, a.trackingNo).getByRole('button', { name: '问题件' }).click();
    const dialog = page.getByRole('dialog', { name: '标记为问题件' });
    await dialog.getByLabel('问题类型').click();
    await page.locator('.ant-select-item-option', { hasText: '地址错误' }).click();
    await dialog.getByLabel('备注（选填）').fill('楼号写错');
    await dialog.getByRole('button', { name: '确认' }).click();
    await toast(page, '已标记为问题件');

    await page.getByRole('tab', { name: /问题件/ }).click();
    await expect.poll(() => page.getByTestId('count-exception').innerText(), WAIT).toBe('(1)');
    await expect.poll(() => row(page, a.trackingNo).innerText(), WAIT).toContain('问题件：地址错误');
    expect(await row(page, a.trackingNo).innerText()).toContain('楼号写错');
    await h.screenshot(page, 'exceptions-tab');
    await row(page, a.trackingNo).getByRole('button', { name: '解决' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
    await toast(page, '已重新待领取');
    const resolved = expectStatus(await w.admin.get<Parcel>(`/api/parcels/${a.id}`), 200);
    expect(resolved.status).toBe('awaiting_pickup');
    expect(resolved.pickupCode).not.toBe(a.pickupCode);

    await page.getByRole('tab', { name: /待领取/ }).click();
    await row(page, b.trackingNo).getByRole('button', { name: '退回' }).click();
    const back = page.getByRole('dialog');
    await back.getByLabel('退回原因（选填）').fill('超期未取');
    await back.getByRole('button', { name: '退回' }).click();
    await toast(page, '已退回，已通知快递员');
    await page.getByRole('tab', { name: /已退回/ }).click();
    await row(page, b.trackingNo).getByRole('button', { name: '已取回' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
    await toast(page, '已登记取回');
    await expect.poll(() => row(page, b.trackingNo).innerText(), WAIT).toContain('快递员已取回');
  });
});
