import { describe, expect, it } from 'vitest';
import { createOrg } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

describe.skipIf(!browserAvailable)('the console frame', () => {
  const h = useConsole();

  it('signs in, shows the org and the menu, and signs out', async () => {
    const { org, adminUsername } = await createOrg(h.t.app);
    const page = await h.newPage();
    await signIn(page, adminUsername, 'admin-pass-123');
    // The console opens on 数据看板, first in the menu.
    await page.waitForURL('**/admin/dashboard');
    await expect.poll(() => page.getByTestId('org-name').textContent()).toBe(org.name);
    for (const item of ['数据看板', '快递记录', '快递员管理', '代收设置', '住户管理', '人员管理', '通知记录', '应用广场']) {
      await expect.poll(() => page.getByRole('menuitem', { name: item }).count()).toBe(1);
    }
    await h.screenshot(page, 'frame');
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL('**/admin/login');
  });

  it('returns to the page asked for after an expired session', async () => {
    const { adminUsername } = await createOrg(h.t.app);
    const page = await h.newPage();
    await page.goto('/admin/couriers?q=abc');
    await page.waitForURL('**/admin/login?next=*');
    await signIn(page, adminUsername, 'admin-pass-123', page.url());
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/admin/couriers?q=abc');
    await expect.poll(() => page.getByPlaceholder('输入手机号/姓名进行搜索').inputValue()).toBe('abc');
    // The session ends on the server (as when it expires): the next call answers 401 and the
    // console goes to sign-in, keeping the page.
    await page.context().clearCookies();
    await page.getByRole('menuitem', { name: '住户管理' }).click();
    await page.waitForURL('**/admin/login?next=*');
    expect(decodeURIComponent(new URL(page.url()).search)).toContain('next=/residents');
  });
});
