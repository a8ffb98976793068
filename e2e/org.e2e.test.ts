// The org screens in Chromium: 代收设置 (fee and collection point), 应用广场 (close and reopen the
// app), 人员管理 (a clerk added, signed in, then disabled) and 通知记录 (a failed message resent).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../src/server/modules/notifications/delivery.js';
import type { MessageProvider } from '../src/server/modules/notifications/provider.js';
import type { ApiError, Community, Courier, Page as ApiPage, Parcel, Resident } from '../test/support/api.js';
import { createCommunity, createOrg, createWorld, enterParcel, expectStatus, uniq } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const PASSWORD = 'admin-pass-123';

/** The table row that holds a text (a community's or a username's). */
const row = (page: Page, text: string) => page.locator('.ant-table-row', { hasText: text });
/** A button of 通知记录's status filter. */
const filter = (page: Page, label: string) => page.locator('.ant-radio-button-wrapper', { hasText: label });
/** Waits for a success or error message (antd's message toast) with exactly this text. */
const toast = (page: Page, text: string) => page.locator('.ant-message-notice').getByText(text, { exact: true }).waitFor();

// Each test hashes several passwords (argon2) and drives one or two browser pages: a busy
// machine needs more than the default 30 s.
describe.skipIf(!browserAvailable)('the org screens', { timeout: 60_000 }, () => {
  const h = useConsole();
  /** A page whose waits fail well inside the test's time, naming what they waited for. */
  const newPage = async () => {
    const page = await h.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  };

  it('代收设置: changes a fee, and refuses an invalid amount without changing anything', async () => {
    const { admin, adminUsername } = await createOrg(h.t.app);
    const community = await createCommunity(admin, { feeRateFen: 200 });
    const other = await createCommunity(admin, { feeRateFen: 0 });
    const page = await newPage();
    const patches: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'PATCH') patches.push(req.url());
    });
    await signIn(page, adminUsername, PASSWORD, '/admin/settings');
    await row(page, community.name).waitFor();
    expect(await row(page, community.name).innerText()).toContain('2元/天');
    expect(await row(page, other.name).innerText()).toContain('0元/天');
    for (const header of ['小区', '代收点', '保管费', '催取提醒', '操作'])
      expect(await page.getByRole('columnheader', { name: header, exact: true }).count()).toBe(1);

    await row(page, community.name).getByRole('button', { name: '修改' }).click();
    const dialog = page.getByRole('dialog', { name: '代收信息设置' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('代收点').inputValue()).toBe(community.collectionPointName);
    const fee = dialog.getByLabel('保管费');
    expect(await fee.inputValue()).toBe('2');
    expect(await dialog.innerText()).toContain('元/天');
    expect(await dialog.innerText()).toContain('(保管费是住户超过1天未领取按照2元收费)');

    // The help explains the rule.
    await dialog.getByRole('button', { name: '什么是快递代收保管费？' }).hover();
    await page.getByTestId('fee-help').waitFor();
    expect(await page.getByTestId('fee-help').innerText()).toContain('24小时内免费');
    await h.screenshot(page, 'settings-fee-help');
    await page.mouse.move(5, 5); // away from the hint
    await page.getByTestId('fee-help').waitFor({ state: 'hidden' });

    // Invalid amounts: a message, the dialog stays, nothing is sent.
    await fee.fill('100.5');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.getByText('保管费须是0到100之间的数字').waitFor();
    await fee.fill('1.234');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.getByText('保管费最多两位小数').waitFor();
    expect(patches).toEqual([]);
    expect(expectStatus(await admin.get<Community>(`/api/communities/${community.id}`), 200).feeRateFen).toBe(200);

    await fee.fill('1.5');
    await expect.poll(() => dialog.innerText()).toContain('按照1.5元收费');
    await dialog.getByLabel('代收点').fill(`${community.name}快递驿站`);
    await h.screenshot(page, 'settings-fee-dialog');
    await dialog.getByRole('button', { name: '确认' }).click();
    await toast(page, '代收信息已保存');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row(page, community.name).innerText()).toContain('1.5元/天');
    expect(await row(page, community.name).innerText()).toContain(`${community.name}快递驿站`);
    expect(expectStatus(await admin.get(`/api/communities/${community.id}`), 200)).toMatchObject({
      feeRateFen: 150,
      collectionPointName: `${community.name}快递驿站`,
    });
    expect(patches).toHaveLength(1);

    // Enter in a field saves, as 确认 does.
    await row(page, other.name).getByRole('button', { name: '修改' }).click();
    await dialog.waitFor();
    await fee.fill('0.5');
    await fee.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row(page, other.name).innerText()).toContain('0.5元/天');
    expect(expectStatus(await admin.get<Community>(`/api/communities/${other.id}`), 200).feeRateFen).toBe(50);
    expect(patches).toHaveLength(2);

    // 催取提醒: on by default; the switch turns one community's reminders off.
    const reminders = page.getByRole('switch', { name: `${other.name} 催取提醒` });
    expect(await reminders.getAttribute('aria-checked')).toBe('true');
    await reminders.click();
    await toast(page, '已关闭催取提醒');
    await expect.poll(() => reminders.getAttribute('aria-checked')).toBe('false');
    expect(expectStatus(await admin.get<Community>(`/api/communities/${other.id}`), 200).remindersEnabled).toBe(false);
    expect(expectStatus(await admin.get<Community>(`/api/communities/${community.id}`), 200).remindersEnabled).toBe(true);

    // + 添加小区, and the API's own message when it refuses (a name already used).
    await page.getByRole('button', { name: '添加小区' }).click();
    const add = page.getByRole('dialog', { name: '添加小区' });
    await add.getByLabel('小区名称').fill(other.name);
    await add.getByLabel('保管费').fill('3');
    await add.getByRole('button', { name: '确认' }).click();
    await toast(page, '小区名称已存在');
    const added = uniq('新小区');
    await add.getByLabel('小区名称').fill(added);
    await add.getByRole('button', { name: '确认' }).click();
    await add.waitFor({ state: 'hidden' });
    await row(page, added).waitFor();
    expect(await row(page, added).innerText()).toContain(`${added}管理处`);
    expect(await row(page, added).innerText()).toContain('3元/天');
    await h.screenshot(page, 'settings');
  });

  it('应用广场: closing stops couriers, the frame says so; reopening restores everything', async () => {
    const w = await createWorld(h.t.app);
    const first = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const page = await newPage();
    await signIn(page, w.adminUsername, PASSWORD, '/admin/apps');
    await page.getByText('已开启', { exact: true }).waitFor();
    const banner = page.getByText('快递代收应用已关闭，快递员暂时无法录入包裹');
    expect(await banner.count()).toBe(0);

    await page.getByRole('button', { name: '关闭应用' }).click();
    const confirm = page.locator('.ant-modal-confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('快递员将无法提交派件');
    expect(await confirm.innerText()).toContain('不会丢失');
    await confirm.getByRole('button', { name: '关闭应用' }).click();
    await confirm.waitFor({ state: 'detached' });
    await toast(page, '应用已关闭');
    await banner.waitFor();
    await page.getByText('已关闭', { exact: true }).waitFor();
    await h.screenshot(page, 'apps-closed');

    const refused = await enterParcel<ApiError>(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('app_closed');

    await page.getByRole('button', { name: '开启应用' }).click();
    await toast(page, '应用已开启');
    await banner.waitFor({ state: 'detached' });
    await page.getByText('已开启', { exact: true }).waitFor();
    // The screen speaks English too.
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('button', { name: 'Close the app' }).waitFor();
    expect(await page.getByText('Parcels kept for residents by the property', { exact: false }).count()).toBe(1);
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('button', { name: '关闭应用' }).waitFor();
    const second = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const parcels = expectStatus(await w.admin.get<ApiPage<Parcel>>('/api/parcels?pageSize=200'), 200);
    expect(parcels.items.map((p: { id: number }) => p.id).sort()).toEqual([first.id, second.id].sort());
    expect(expectStatus(await w.admin.get<ApiPage<Courier>>('/api/couriers'), 200).total).toBe(1);
    expect(expectStatus(await w.admin.get<ApiPage<Resident>>('/api/residents'), 200).total).toBe(1);
    await h.screenshot(page, 'apps');
  });

  it('人员管理: adds a clerk for one community; the clerk sees only it; disabling signs the clerk out', async () => {
    const { admin, adminUsername } = await createOrg(h.t.app);
    const mine = await createCommunity(admin);
    const notMine = await createCommunity(admin);
    const page = await newPage();
    await signIn(page, adminUsername, PASSWORD, '/admin/staff');
    await row(page, adminUsername).waitFor();

    const username = uniq('clerk');
    await page.getByRole('button', { name: '添加人员' }).click();
    const dialog = page.getByRole('dialog', { name: '添加人员' });
    await dialog.getByLabel('用户名').fill(username);
    await dialog.getByLabel('密码').fill('short');
    await dialog.getByRole('button', { name: '确认' }).click();
    await dialog.getByText('密码至少8位').waitFor();
    await dialog.getByText('请选择前台负责的小区').waitFor();
    await dialog.getByLabel('密码').fill('clerk-pass-123');
    await dialog.getByLabel('负责小区').fill(mine.name);
    await dialog.getByLabel('负责小区').press('Enter');
    await dialog.getByText('添加人员').click(); // closes the drop-down
    await dialog.getByRole('button', { name: '确认' }).click();
    await toast(page, `已添加${username}`);
    await row(page, username).waitFor();
    expect(await row(page, username).innerText()).toContain(mine.name);
    expect(await row(page, username).innerText()).not.toContain(notMine.name);
    expect(await row(page, username).innerText()).toContain('前台');
    await h.screenshot(page, 'staff');

    const clerkPage = await newPage();
    await signIn(clerkPage, username, 'clerk-pass-123', '/admin/settings');
    await row(clerkPage, mine.name).waitFor();
    expect(await row(clerkPage, notMine.name).count()).toBe(0);
    expect(await clerkPage.getByRole('button', { name: '修改' }).count()).toBe(0);
    expect(await clerkPage.getByRole('button', { name: '添加小区' }).count()).toBe(0);
    expect(await clerkPage.getByRole('menuitem', { name: '人员管理' }).count()).toBe(0);
    expect(await clerkPage.getByRole('menuitem', { name: '通知记录' }).count()).toBe(0);
    await h.screenshot(clerkPage, 'staff-clerk-settings');

    await row(page, username).getByRole('button', { name: '停用' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '停用' }).click();
    await toast(page, `已停用${username}`);
    await expect.poll(() => row(page, username).innerText()).toContain('已停用');
    expect(await row(page, username).getByRole('button', { name: '启用' }).count()).toBe(1);

    // The clerk's next action meets the ended session and goes to sign in, where the account is refused.
    await clerkPage.getByRole('menuitem', { name: '应用广场' }).click();
    await clerkPage.waitForURL('**/admin/login?next=*');
    await clerkPage.getByLabel('用户名').fill(username);
    await clerkPage.getByLabel('密码').fill('clerk-pass-123');
    await clerkPage.getByRole('button', { name: '登录' }).click();
    await toast(clerkPage, '账号已停用');
  });

  it('通知记录: a message that failed for good is resent', async () => {
    const w = await createWorld(h.t.app);
    const parcel = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const outboxRow = () => h.t.app.ctx.db.selectFrom('outbox').selectAll().where('parcel_id', '=', parcel.id).executeTakeFirstOrThrow();

    // The SMS gateway is down: the worker retries with backoff (the test moves the clock) until
    // it gives up and marks the message failed, as it would in production.
    const ctx = h.t.app.ctx;
    const working = ctx.messaging;
    const down: MessageProvider = {
      name: 'down',
      send: async () => {
        throw new Error('短信网关无应答');
      },
    };
    ctx.messaging = { ...working, sms: down };
    try {
      expectStatus(await w.admin.post(`/api/parcels/${parcel.id}/receive`, {}), 200);
      for (let i = 0; i <= MAX_ATTEMPTS && (await outboxRow()).status !== 'failed'; i++) {
        const r = await outboxRow();
        if (r.attempts > 0) h.t.clock.set(r.next_attempt_at);
        await h.t.app.outbox.runOnce();
      }
      expect(await outboxRow()).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    } finally {
      ctx.messaging = working;
    }

    const page = await newPage();
    await signIn(page, w.adminUsername, PASSWORD, '/admin/notifications');
    const message = row(page, w.residentPhone);
    await message.waitFor();
    await filter(page, '发送失败').click();
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1);
    const text = await message.innerText();
    for (const part of ['到件通知', '短信', '发送失败', `已尝试${MAX_ATTEMPTS}次`, '短信网关无应答']) expect(text).toContain(part);
    await h.screenshot(page, 'notifications-failed');

    await message.getByRole('button', { name: '重新发送' }).click();
    await toast(page, '已重新加入发送队列');
    // No longer failed: gone from this filter, then queued or already sent under 全部.
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(0);
    await expect.poll(async () => (await outboxRow()).status, { timeout: 10_000 }).toBe('sent');
    await filter(page, '全部').click();
    await message.waitFor();
    await expect.poll(() => message.innerText()).toContain('已发送');
    expect(await message.getByRole('button', { name: '重新发送' }).count()).toBe(0);
    await h.screenshot(page, 'notifications');
  });
});
