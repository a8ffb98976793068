// 家人代领 on a phone: the resident authorizes a family member in the resident app, who signs in
// and sees the parcel they may collect, its recipient masked; the authorization removed, it is gone.
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../src/web/api-types.js';
import { createWorld, enterParcel, expectStatus, randomMobile } from '../test/support/factories.js';
import { browserAvailable, phoneSignIn, preferenceAsked, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };

describe.skipIf(!browserAvailable)('家人代领', { timeout: 90_000 }, () => {
  const h = useConsole();

  it('adds a family phone, which then sees the parcel to collect; removing it takes effect at once', async () => {
    const w = await createWorld(h.t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
    const family = randomMobile();

    const owner = await h.newPage({ mobile: true });
    await owner.goto('/resident/');
    await owner.waitForURL('**/resident/login');
    await preferenceAsked(owner, w.residentPhone);
    await phoneSignIn(owner, h.t.app, w.residentPhone);
    await owner.getByRole('tab', { name: '家人代领' }).click();
    await owner.getByRole('textbox', { name: '家人手机号' }).fill(family);
    await owner.getByRole('textbox', { name: '称呼（选填）' }).fill('妈妈');
    await owner.getByRole('button', { name: '添加' }).click();
    await expect.poll(() => owner.getByTestId('household').innerText(), WAIT).toContain(family);
    await h.screenshot(owner, 'household-owner');

    const proxy = await h.newPage({ mobile: true });
    await proxy.goto('/resident/');
    await proxy.waitForURL('**/resident/login');
    await phoneSignIn(proxy, h.t.app, family);
    await proxy.getByRole('tab', { name: '家人代领' }).click();
    await expect.poll(() => proxy.getByTestId('household').innerText(), WAIT).toContain(received.trackingNo.slice(-4));
    expect(await proxy.getByTestId('household').innerText()).not.toContain(w.residentPhone);

    await owner.getByRole('button', { name: '取消授权' }).click();
    await owner.locator('.adm-dialog').getByRole('button', { name: '确定' }).click();
    await expect.poll(() => owner.getByTestId('household').innerText(), WAIT).not.toContain(family);
    await proxy.reload();
    await proxy.getByRole('tab', { name: '家人代领' }).click();
    await expect.poll(() => proxy.getByTestId('household').innerText(), WAIT).toContain('没有可代领的快递');
  });
});
