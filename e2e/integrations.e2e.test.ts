// 开放接口 in Chromium: an API key created (shown once), used and revoked; a webhook refused for
// a private address, then subscribed (its secret shown once), its delivery log and 重发.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../test/support/api.js';
import { createWorld, enterParcel, expectStatus } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const row = (page: Page, text: string) => page.locator('.ant-table-row', { hasText: text });
const toast = (page: Page, text: string) => page.locator('.ant-message-notice').getByText(text, { exact: true }).waitFor();

describe.skipIf(!browserAvailable)('开放接口', { timeout: 60_000 }, () => {
  const h = useConsole();

  it('creates a key shown once, which works until it is revoked; subscribes a webhook and resends a delivery', async () => {
    const w = await createWorld(h.t.app);
    const page = await h.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, w.adminUsername, 'admin-pass-123', '/admin/integrations');
    await page.getByRole('tab', { name: 'API 密钥' }).waitFor();

    await page.getByRole('button', { name: '创建密钥' }).click();
    const dialog = page.getByRole('dialog', { name: '创建密钥' });
    await dialog.getByLabel('名称').fill('中通快递对接');
    await dialog.getByLabel(/查询包裹/).check();
    await dialog.getByRole('button', { name: '确认' }).click();
    const shown = page.getByTestId('shown-once');
    await shown.waitFor();
    const key = (await shown.innerText()).trim();
    expect(key).toMatch(/^kd_/);
    await h.screenshot(page, 'integrations-key-once');
    await page.getByRole('button', { name: '我已保存' }).click();
    await row(page, '中通快递对接').waitFor();
    expect(await row(page, '中通快递对接').innerText()).toContain(key.slice(0, 9));
    expect(await page.content()).not.toContain(key);

    const call = () =>
      h.t.app.inject({ method: 'GET', url: '/api/open/v1/parcels?trackingNo=ABC123', headers: { authorization: `Bearer ${key}` } }).then((r) => r.statusCode);
    expect(await call()).toBe(200);
    await row(page, '中通快递对接').getByRole('button', { name: '撤销' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '撤销' }).click();
    await toast(page, '已撤销密钥');
    await row(page, '已撤销').waitFor();
    expect(await call()).toBe(401);

    await page.getByRole('tab', { name: '回调地址' }).click();
    await page.getByRole('button', { name: '添加回调' }).click();
    const hookDialog = page.getByRole('dialog', { name: '添加回调' });
    await hookDialog.getByLabel('地址').fill('https://127.0.0.1/hook');
    await hookDialog.getByRole('button', { name: '确认' }).click();
    await page
      .locator('.ant-message-notice')
      .getByText(/内网或本机地址/)
      .waitFor();
    await hookDialog.getByLabel('地址').fill('https://93.184.216.34/kuaidi');
    await hookDialog.getByRole('button', { name: '确认' }).click();
    await shown.waitFor();
    expect(await shown.innerText()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: '我已保存' }).click();
    await row(page, 'https://93.184.216.34/kuaidi').waitFor();

    // A parcel received: one delivery queued for the webhook.
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
    await row(page, 'https://93.184.216.34/kuaidi').getByRole('button', { name: '投递记录' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.locator('.ant-table-row', { hasText: '包裹入库' }).waitFor();
    await h.screenshot(page, 'integrations-deliveries');
    await drawer.getByRole('button', { name: '重发' }).click();
    await toast(page, '已重新加入投递队列');
  });
});
