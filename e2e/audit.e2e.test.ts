// 操作日志 in Chromium: what an admin and a courier did (a courier added and its phone changed, a
// community's reminders turned off, a parcel entered and received) as the trail shows it — who,
// what, the changes with phones masked — then narrowed to 对象 = 快递员 and exported as xlsx.
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, Courier, Page as ApiPage } from '../src/web/api-types.js';
import type { Parcel } from '../test/support/api.js';
import { createWorld, enterParcel, expectStatus, randomMobile, uniq } from '../test/support/factories.js';
import { loadXlsx, sheetRows } from '../test/support/spreadsheets.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const WAIT = { timeout: 15_000, interval: 100 };
const rows = (page: Page): Locator => page.locator('.ant-table-tbody tr.ant-table-row');
/** The row of `action` that names `text` (an object's `#id`, a person). */
const row = (page: Page, action: string, text: string): Locator => rows(page).filter({ hasText: action }).filter({ hasText: text });
/** A phone as the trail keeps it: its last 4 digits. */
const masked = (phone: string) => `*******${phone.slice(-4)}`;

describe.skipIf(!browserAvailable)('操作日志', { timeout: 90_000 }, () => {
  const h = useConsole();

  it('shows who changed what with phones masked, filters by 对象 and exports the filtered rows', async () => {
    const w = await createWorld(h.t.app);
    const [phone, newPhone] = [randomMobile(), randomMobile()];
    const courier = expectStatus(
      await w.admin.post<Courier>('/api/couriers', { communityId: w.community.id, name: uniq('审计'), phone, carrier: '中通' }),
      201,
    );
    expectStatus(await w.admin.patch(`/api/couriers/${courier.id}`, { phone: newPhone }), 200);
    expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { remindersEnabled: false }), 200);
    const entered = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post<Parcel>(`/api/parcels/${entered.id}/receive`, {}), 200);

    const page = await h.newPage();
    await signIn(page, w.adminUsername, 'admin-pass-123', '/admin/parcels');
    await page.getByRole('menuitem', { name: '操作日志' }).click();
    await page.waitForURL('**/admin/audit');

    // An update: the admin, the courier it changed, the phone's before and after, masked.
    const update = row(page, 'courier.update', `快递员 #${courier.id}`);
    await update.waitFor();
    const updateText = await update.innerText();
    expect(updateText).toContain('修改快递员');
    expect(updateText).toContain(w.adminUsername);
    expect(updateText).toContain('物业人员');
    expect(updateText).toContain(`phone: ${masked(phone)} → ${masked(newPhone)}`);
    expect(await row(page, 'community.update', `小区 #${w.community.id}`).innerText()).toContain('remindersEnabled: 是 → 否');
    expect(await row(page, 'parcel.receive', `包裹 #${entered.id}`).innerText()).toContain('status: 待接收 → 待领取');

    // A creation by the courier: its ten fields fold to three lines until 展开.
    const entry = row(page, 'parcel.enter', `包裹 #${entered.id}`);
    expect(await entry.innerText()).toContain(w.courierName);
    expect(await entry.innerText()).not.toContain('recipient_phone');
    await entry.getByText('展开').click();
    await expect.poll(() => entry.innerText(), WAIT).toContain(`recipient_phone: ${masked(w.residentPhone)}`);
    await h.screenshot(page, 'audit');
    const html = await page.content();
    for (const p of [phone, newPhone, w.residentPhone, w.courierPhone]) expect(html).not.toContain(p);

    // 对象 = 快递员: the couriers' rows only (the world's courier and this one's creation and change).
    await page.getByLabel('对象', { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="快递员"]').click();
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL('**/admin/audit?entity=courier');
    const objects = () => page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(4)').allInnerTexts();
    await expect.poll(async () => (await objects()).length, WAIT).toBe(3);
    expect((await objects()).every((o) => o.startsWith('快递员 #'))).toBe(true);
    expect(await row(page, 'courier.create', `快递员 #${w.courierRecord.id}`).count()).toBe(1);
    await expect.poll(() => page.locator('.ant-pagination-total-text').innerText(), WAIT).toBe('共 3 条');

    // 导出 → Excel: a file named 操作日志_…, of the filtered rows, phones masked.
    await page.getByRole('button', { name: /导出/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Excel (.xlsx)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^操作日志_\d{8}\.xlsx$/);
    const sheet = (await loadXlsx(fs.readFileSync(await download.path()))).worksheets[0];
    if (!sheet) throw new Error('the export has no sheet');
    const [head, ...body] = sheetRows(sheet);
    expect(head).toEqual(['时间', '操作人类型', '操作人', '操作', '对象', '对象编号', '变更内容', 'IP']);
    expect(body.map((r) => r[4])).toEqual(['快递员', '快递员', '快递员']);
    expect(JSON.stringify(body)).not.toContain(newPhone);

    // 重置, then 操作 = parcel. (a prefix): the parcel's two moves only; a mistyped action is told at once.
    await page.getByRole('button', { name: '重置' }).click();
    await page.waitForURL('**/admin/audit');
    // The whole trail again: the form has taken the cleared address (else it could clear what is typed next).
    await expect.poll(() => page.locator('.ant-pagination-total-text').innerText(), WAIT).not.toBe('共 3 条');
    await page.getByLabel('操作', { exact: true }).fill('Parcel.');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('只能包含小写字母、数字、下划线和点').waitFor();
    await page.getByLabel('操作', { exact: true }).fill('parcel.');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL('**/admin/audit?action=parcel.');
    await expect.poll(async () => (await objects()).length, WAIT).toBe(2);
    expect((await objects()).every((o) => o.startsWith('包裹 #'))).toBe(true);

    // The export is itself in the trail, with the filter it was made with.
    const exports = expectStatus(await w.admin.get<ApiPage<AuditEntry>>('/api/audit?action=export.audit'), 200);
    expect(exports.items).toHaveLength(1);
    expect(exports.items[0]?.changes).toMatchObject({ entity: 'courier' });
  });
});
