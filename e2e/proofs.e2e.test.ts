// 领取凭证 in Chromium with its fake webcam: the clerk photographs the hand-over from the parcel
// drawer, the resident signs on the screen, both are kept and shown; a community that requires a
// proof then hands the parcel out.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Parcel } from '../src/web/api-types.js';
import { createWorld, enterParcel, expectStatus } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };
const toast = (page: Page, text: string) => page.locator('.ant-message-notice').getByText(text, { exact: true }).waitFor();

describe.skipIf(!browserAvailable)('领取凭证', { timeout: 90_000 }, () => {
  const h = useConsole({ chromiumArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });

  it('takes a webcam photo and a signature in the parcel drawer', async () => {
    const w = await createWorld(h.t.app);
    expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { proofRequired: true }), 200);
    const entered = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const p = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${entered.id}/receive`, {}), 200);
    const page = await h.newPage({ permissions: ['camera'] });
    page.setDefaultTimeout(15_000);
    await signIn(page, w.adminUsername, 'admin-pass-123', '/admin/parcels?tab=awaiting');
    await page.locator('tbody tr', { hasText: p.trackingNo }).locator('td').nth(2).click();
    const panel = page.getByTestId('proof-panel');
    await panel.getByRole('button', { name: '拍照' }).click();
    const dialog = page.getByRole('dialog', { name: '拍照留证' });
    await expect.poll(() => page.getByTestId('proof-video').evaluate((v: unknown) => (v as { videoWidth: number }).videoWidth), WAIT).toBeGreaterThan(0);
    await dialog.getByRole('button', { name: '拍照' }).click();
    await toast(page, '领取凭证已保存');
    await panel.getByTestId('proof-image').waitFor();
    await h.screenshot(page, 'proof-photo');
    const photo = await h.t.database.db.selectFrom('parcel_proofs').select(['kind', 'mime', 'width']).where('parcel_id', '=', p.id).execute();
    expect(photo).toMatchObject([{ kind: 'photo', mime: 'image/jpeg' }]);

    await page.getByTestId('proof-panel').getByRole('button', { name: '住户签名' }).click();
    const pad = page.getByTestId('signature-pad');
    const box = await pad.boundingBox();
    if (!box) throw new Error('no signature pad');
    await page.mouse.move(box.x + 40, box.y + 100);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 40 + i * 30, box.y + 100 + (i % 2 ? -40 : 40), { steps: 3 });
    await page.mouse.up();
    await page.getByRole('button', { name: '确认签名' }).click();
    await toast(page, '领取凭证已保存');
    const kinds = await h.t.database.db.selectFrom('parcel_proofs').select('kind').where('parcel_id', '=', p.id).orderBy('id').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['photo', 'signature']);
    expect(expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200).status).toBe('picked_up');
  });
});
