// 快递员管理 and 住户管理 in the browser: a real xlsx imported through the file chooser, the overwrite
// rule, manual add / edit / delete, the template and export downloads, and the residents' search.
import fs from 'node:fs';
import type { Download, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Courier, Page as ApiPage } from '../test/support/api.js';
import { createCommunity, createOrg, expectStatus, randomMobile, uniq } from '../test/support/factories.js';
import { loadXlsx, makeXlsx, sheetRows } from '../test/support/spreadsheets.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const GROUPS = ['基本信息(必填)', '联系信息(必填)', '快递公司信息(必填)', '关联信息(必填)'];
const NAMES = ['姓名', '手机', '快递公司', '派送小区'];

/** Picks an option of an antd select (its dropdown is rendered outside the dialog). */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  const item = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`);
  const list = page.locator('.ant-select-dropdown:visible');
  // On a loaded machine a click can land while the list is still opening and be lost (the list
  // then stays open over the form): click again until the choice closes the list.
  for (let attempt = 1; ; attempt++) {
    await item.click();
    try {
      await list.waitFor({ state: 'hidden', timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
}

/** The list's row that shows `text`. */
function row(page: Page, text: string): Locator {
  return page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: text });
}

async function rowCount(page: Page): Promise<number> {
  await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
  return page.locator('.ant-table-tbody tr.ant-table-row').count();
}

async function toast(page: Page, text: string): Promise<void> {
  await page.locator('.ant-message-notice').filter({ hasText: text }).first().waitFor();
}

/** Runs `click` and returns the download it starts, with the downloaded bytes. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  return { download, bytes: fs.readFileSync(file) };
}

async function openCouriers(page: Page, username: string): Promise<void> {
  await signIn(page, username, 'admin-pass-123');
  await page.getByRole('menuitem', { name: '快递员管理' }).click();
  await page.waitForURL('**/admin/couriers');
}

async function openMenu(page: Page, button: string, item: string): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

// Long flows in a real browser: more time than the unit tests' 30 s.
describe.skipIf(!browserAvailable)('快递员管理 and 住户管理', { timeout: 90_000 }, () => {
  const h = useConsole();
  const newPage = () => h.newPage();

  it('imports couriers from an xlsx, reports the refused row, and overwrites on phone + community', async () => {
    const { admin, adminUsername } = await createOrg(h.t.app);
    const community = await createCommunity(admin);
    const [p1, p2] = [randomMobile(), randomMobile()];
    const file = await makeXlsx([
      GROUPS,
      NAMES,
      ['李宜君', p1, '百世', community.name],
      ['大房森', p2, '顺丰', community.name],
      ['兰兰', '12345', '申通快递', community.name],
    ]);

    const page = await newPage();
    await openCouriers(page, adminUsername);
    await openMenu(page, '添加快递员', '批量导入');
    const dialog = page.getByRole('dialog', { name: '批量导入' });
    await dialog.getByText('下载标准快递员信息模版').waitFor();
    await dialog.getByText('导入快递员信息Excel文档 (csv, xls, xlsx格式)').waitFor();
    await dialog.getByText('快递员电话及派送小区相同时，覆盖原有信息').waitFor();

    // Not the template (read as text, it lacks the columns): the API's message, and nothing imported.
    await dialog.locator('input[type=file]').setInputFiles({ name: 'notes.xlsx', mimeType: XLSX, buffer: Buffer.from('not a workbook') });
    await dialog.getByRole('alert').filter({ hasText: '表格缺少必填列：姓名、手机、快递公司、派送小区' }).waitFor();

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByRole('button', { name: '选择文件' }).click()]);
    await chooser.setFiles({ name: 'couriers.xlsx', mimeType: XLSX, buffer: file });
    const result = dialog.getByTestId('import-result');
    await result.getByText('导入完成：新增 2 条，更新 0 条，未导入 1 条').waitFor();
    const refused = result.locator('.ant-table-tbody tr.ant-table-row');
    expect(await refused.count()).toBe(1);
    expect(await refused.first().locator('td').allTextContents()).toEqual(['5', '手机', '手机号格式不正确']);
    await h.screenshot(page, 'couriers-import');

    // The same phone and community again, with a new name and carrier: overwritten, not added.
    const again = await makeXlsx([GROUPS, NAMES, ['李宜君改', p1, '中通', community.name]]);
    await dialog.locator('input[type=file]').setInputFiles({ name: 'again.xlsx', mimeType: XLSX, buffer: again });
    await result.getByText('导入完成：新增 0 条，更新 1 条，未导入 0 条').waitFor();
    await dialog.getByRole('button', { name: '关闭' }).last().click();
    await dialog.waitFor({ state: 'hidden' });

    await row(page, '李宜君改').waitFor();
    expect(await rowCount(page)).toBe(2);
    expect(await row(page, p1).locator('td').allTextContents()).toEqual([community.name, '中通快递', '李宜君改', p1, '修改删除']);
    expect(await row(page, p2).locator('td').allTextContents()).toEqual([community.name, '顺丰速运', '大房森', p2, '修改删除']);
    await h.screenshot(page, 'couriers-imported');
  });

  it('adds couriers by hand (保存并添加下一个 keeps the community), shows the API’s refusal, edits and deletes', async () => {
    const { admin, adminUsername } = await createOrg(h.t.app);
    const east = await createCommunity(admin);
    const west = await createCommunity(admin);
    const [p1, p2] = [randomMobile(), randomMobile()];
    const page = await newPage();
    await openCouriers(page, adminUsername);

    await openMenu(page, '添加快递员', '手动添加');
    const dialog = page.getByRole('dialog', { name: '添加快递员' });
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    const fieldErrors = dialog.locator('.ant-form-item-explain-error');
    await expect.poll(() => fieldErrors.allTextContents()).toEqual(['请选择派送小区', '请输入姓名', '请输入手机', '请选择快递公司']);

    await choose(page, dialog.getByLabel('派送小区'), east.name);
    await dialog.getByLabel('姓名').fill('李宜君');
    await dialog.getByLabel('手机').fill('1514062');
    await choose(page, dialog.getByLabel('快递公司'), '百世');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await dialog.getByText('请输入11位手机号').waitFor();
    await dialog.getByLabel('手机').fill(p1);
    await dialog.getByText('请输入11位手机号').waitFor({ state: 'detached' });
    await h.screenshot(page, 'couriers-add');
    await dialog.getByRole('button', { name: '保存并添加下一个' }).click();
    await toast(page, '已保存');
    // A fresh form in the same community.
    await expect.poll(() => dialog.getByLabel('姓名').inputValue()).toBe('');
    expect(await dialog.getByLabel('手机').inputValue()).toBe('');
    expect(await dialog.locator('.ant-select').first().textContent()).toContain(east.name);
    await dialog.getByLabel('姓名').fill('darren');
    await dialog.getByLabel('手机').fill(p2);
    await choose(page, dialog.getByLabel('快递公司'), '顺丰速运');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, 'darren').waitFor();
    expect(await rowCount(page)).toBe(2);

    // The API refuses a second courier with the same phone in the same community: its message on the form.
    await openMenu(page, '添加快递员', '手动添加');
    await choose(page, dialog.getByLabel('派送小区'), east.name);
    await dialog.getByLabel('姓名').fill('兰兰');
    await dialog.getByLabel('手机').fill(p1);
    await choose(page, dialog.getByLabel('快递公司'), '申通快递');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: '该小区已有此手机号的快递员' }).waitFor();
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // 修改: the same form, filled in.
    await row(page, p1).getByRole('button', { name: '修改' }).click();
    const edit = page.getByRole('dialog', { name: '修改快递员' });
    expect(await edit.getByLabel('姓名').inputValue()).toBe('李宜君');
    expect(await edit.getByLabel('手机').inputValue()).toBe(p1);
    await edit.getByLabel('姓名').fill('李宜君二');
    await choose(page, edit.getByLabel('派送小区'), west.name);
    await edit.getByRole('button', { name: '保存', exact: true }).click();
    await edit.waitFor({ state: 'hidden' });
    await row(page, '李宜君二').filter({ hasText: west.name }).waitFor();

    // 删除 asks first.
    await row(page, 'darren').getByRole('button', { name: '删除' }).click();
    await page.locator('.ant-popconfirm').getByText(`确定删除darren（${p2}）吗？`).waitFor();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '确认' }).click();
    await toast(page, '已删除');
    await row(page, 'darren').waitFor({ state: 'detached' });
    expect(await rowCount(page)).toBe(1);
    expect(expectStatus(await admin.get<ApiPage<Courier>>('/api/couriers'), 200).total).toBe(1);
  });

  it('keeps search and filters in the address, and downloads the export and the template', async () => {
    const { admin, adminUsername } = await createOrg(h.t.app);
    const east = await createCommunity(admin);
    const west = await createCommunity(admin);
    const [p1, p2] = [randomMobile(), randomMobile()];
    expectStatus(await admin.post('/api/couriers', { communityId: west.id, name: '李宜君', phone: p1, carrier: '百世' }), 201);
    expectStatus(await admin.post('/api/couriers', { communityId: east.id, name: '大房森', phone: p2, carrier: '申通快递' }), 201);
    const page = await newPage();
    await openCouriers(page, adminUsername);
    await row(page, '大房森').waitFor();

    await page.getByPlaceholder('输入手机号/姓名进行搜索').fill(p1.slice(3));
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === p1.slice(3));
    await expect.poll(() => rowCount(page)).toBe(1);
    await page.reload();
    await row(page, '李宜君').waitFor();
    expect(await page.getByPlaceholder('输入手机号/姓名进行搜索').inputValue()).toBe(p1.slice(3));
    await page.getByRole('button', { name: '重置' }).click();
    await choose(page, page.getByRole('combobox', { name: '全部小区' }), east.name);
    await page.waitForURL((url) => url.searchParams.get('communityId') === String(east.id));
    await expect.poll(() => rowCount(page)).toBe(1);
    await row(page, '大房森').waitFor();
    await h.screenshot(page, 'couriers-list');

    // 导出 with the filter shown: the template's layout, only that community's courier.
    await page.getByRole('button', { name: '导出快递员信息' }).click();
    const exported = await downloaded(page, () => page.getByRole('menuitem', { name: 'Excel (.xlsx)' }).click());
    expect(exported.download.suggestedFilename()).toMatch(/^快递员信息_\d{8}\.xlsx$/);
    const rows = sheetRows((await loadXlsx(exported.bytes)).worksheets[0]!);
    expect(rows.slice(0, 2)).toEqual([GROUPS, NAMES]);
    expect(rows.slice(2)).toEqual([['大房森', p2, '申通快递', east.name]]);
    await page.getByRole('button', { name: '导出快递员信息' }).click();
    const csv = await downloaded(page, () => page.getByRole('menuitem', { name: 'CSV (.csv)' }).click());
    expect(csv.download.suggestedFilename()).toMatch(/^快递员信息_\d{8}\.csv$/);
    expect(csv.bytes.toString('utf8')).toContain(`大房森,${p2},申通快递,${east.name}`);

    // The template, from the import dialog's 点击此处 (and its csv).
    await openMenu(page, '添加快递员', '批量导入');
    const importDialog = page.getByRole('dialog', { name: '批量导入' });
    const template = await downloaded(page, () => importDialog.getByRole('link', { name: '点击此处' }).click());
    expect(template.download.suggestedFilename()).toMatch(/^快递员信息模版_\d{8}\.xlsx$/);
    expect(sheetRows((await loadXlsx(template.bytes)).worksheets[0]!).slice(0, 2)).toEqual([GROUPS, NAMES]);
    const templateCsv = await downloaded(page, () => importDialog.getByRole('link', { name: '（CSV格式）' }).click());
    expect(templateCsv.download.suggestedFilename()).toMatch(/^快递员信息模版_\d{8}\.csv$/);
    expect(templateCsv.bytes.length).toBeGreaterThan(0);
  });

  it('adds a resident by hand, finds residents by phone, and keeps the page in the address', async () => {
    const { admin, adminUsername } = await createOrg(h.t.app);
    const community = await createCommunity(admin);
    const others = Array.from({ length: 21 }, (_, i) => ({ name: uniq('住户'), phone: randomMobile(), building: '1', unit: '1', room: String(101 + i) }));
    for (const r of others) expectStatus(await admin.post('/api/residents', { communityId: community.id, ...r }), 201);
    const phone = randomMobile();

    const page = await newPage();
    await signIn(page, adminUsername, 'admin-pass-123');
    await page.getByRole('menuitem', { name: '住户管理' }).click();
    await page.waitForURL('**/admin/residents');
    await openMenu(page, '添加住户', '手动添加');
    const dialog = page.getByRole('dialog', { name: '添加住户' });
    // The org's only community is chosen already.
    expect(await dialog.locator('.ant-select').first().textContent()).toContain(community.name);
    await dialog.getByLabel('姓名').fill('王小明');
    await dialog.getByLabel('手机').fill(phone);
    await dialog.getByLabel('楼栋').fill('3');
    await dialog.getByLabel('单元').fill('2');
    await dialog.getByLabel('房号').fill('301');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await toast(page, '已保存');
    await page.getByText('共 22 条').waitFor();

    // Page 2 is in the address and survives a reload.
    await page.locator('.ant-pagination-item-2').click();
    await page.waitForURL((url) => url.searchParams.get('page') === '2');
    await expect.poll(() => rowCount(page)).toBe(2);
    await page.reload();
    await page.getByText('共 22 条').waitFor();
    expect(await page.locator('.ant-pagination-item-active').textContent()).toBe('2');

    await page.getByPlaceholder('输入手机号/姓名进行搜索').fill(phone);
    await page.getByPlaceholder('输入手机号/姓名进行搜索').press('Enter');
    await page.waitForURL((url) => url.searchParams.get('q') === phone && !url.searchParams.has('page'));
    await expect.poll(() => rowCount(page)).toBe(1);
    expect(await row(page, phone).locator('td').allTextContents()).toEqual([community.name, '王小明', phone, '3', '2', '301', '修改删除收件偏好记录']);
    await h.screenshot(page, 'residents-list');

    // The same screen in English.
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('button', { name: 'Add resident' }).waitFor();
    await page.getByPlaceholder('Search by phone or name').waitFor();
  });
});
