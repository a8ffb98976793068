// The courier and resident apps in Chromium with phone emulation: a courier registers, scans a
// waybill through a fake camera (a bwip-js Code 128 fed to Chromium as the camera's video) and
// submits; a submission whose answer the network loses is kept as 待发送 and sent again with the
// same Idempotency-Key, creating nothing twice; the front desk receives and rejects through the
// API; the courier sees 拒收提醒; the resident signs in and sees the pickup code and the fee.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Courier, Page as ListPage, Parcel, Resident } from '../src/web/api-types.js';
import { formatFen } from '../src/shared/fee.js';
import { TestClock } from '../test/support/app.js';
import { createCommunity, createOrg, expectStatus, randomMobile, uniq } from '../test/support/factories.js';
import { browserAvailable, phoneSignIn, preferenceAsked, useConsole } from './support/browser.js';
import { fakeCameraArgs, writeBarcodeVideo } from './support/fake-camera.js';

/** The waybill the fake camera films: a 顺丰 number, so the carrier hint has something to say. */
const SCANNED = 'SF1234567890123';
const VIDEO = path.join(os.tmpdir(), `kd-fake-camera-${process.pid}.y4m`);
if (browserAvailable) writeBarcodeVideo(VIDEO, { text: SCANNED });

const DAY = 24 * 3_600_000;
const WAIT = { timeout: 15_000, interval: 100 };
/** A whole flow: many screens, and a wait for the queue's retry, on a machine running other tests. */
const TEST_MS = 120_000;
/** The 待发送 queue retries every 10 s; on a loaded machine give it two rounds and some. */
const RETRY_WAIT = { timeout: 40_000, interval: 250 };

/** An org with a community at 2元/天, a courier record (not yet registered) and a resident. */
async function setUp(app: Parameters<typeof createOrg>[0]) {
  const org = await createOrg(app);
  const community = await createCommunity(org.admin, { feeRateFen: 200 });
  const courierPhone = randomMobile();
  const courierName = uniq('快递员');
  expectStatus(await org.admin.post<Courier>('/api/couriers', { communityId: community.id, name: courierName, phone: courierPhone, carrier: '顺丰速运' }), 201);
  const residentPhone = randomMobile();
  const resident = expectStatus(
    await org.admin.post<Resident>('/api/residents', {
      communityId: community.id,
      name: uniq('住户'),
      phone: residentPhone,
      building: '3',
      unit: '2',
      room: '1201',
    }),
    201,
  );
  return { ...org, community, courierPhone, courierName, resident, residentPhone };
}

describe.skipIf(!browserAvailable)('the courier and resident apps on a phone', () => {
  const h = useConsole({ chromiumArgs: fakeCameraArgs(VIDEO), clock: new TestClock(new Date()) });

  it('a courier registers, scans and submits through a lost network without a duplicate; the resident sees code and fee', { timeout: TEST_MS }, async () => {
    const world = await setUp(h.t.app);
    const page = await h.newPage({ mobile: true, permissions: ['camera'] });

    // Sign-in: the first time asks for the name; a name the front desk did not enter is refused
    // and registers nothing.
    await page.goto('/courier/');
    await page.waitForURL('**/courier/login');
    await h.screenshot(page, 'courier-login');
    await phoneSignIn(page, h.t.app, world.courierPhone);
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toBe('首次登录请填写姓名');
    await page.getByRole('textbox', { name: '姓名', exact: true }).fill('张冒名');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toBe('请先到物业前台登记快递员信息');
    const accounts = () => h.t.database.db.selectFrom('courier_accounts').select('id').where('phone', '=', world.courierPhone).execute();
    expect(await accounts()).toHaveLength(0);
    await h.screenshot(page, 'courier-login-refused');
    await page.getByRole('textbox', { name: '姓名', exact: true }).fill(world.courierName);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => /^\/courier\/?$/.test(url.pathname));
    expect(await accounts()).toHaveLength(1);

    // 派送快递: the community and the courier's carrier there; the number scanned by the camera.
    await expect.poll(() => page.locator('.adm-list').first().innerText(), WAIT).toContain(world.community.name);
    expect(await page.locator('.adm-list').first().innerText()).toContain('顺丰速运');
    await h.screenshot(page, 'courier-deliver');
    await page.getByRole('button', { name: '扫码' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: '快递单号', exact: true }).inputValue(), { timeout: 30_000, interval: 200 }).toBe(SCANNED);
    await expect.poll(() => page.getByTestId('carrier-hint').textContent(), WAIT).toBe('单号格式像顺丰速运的单号');
    expect(await page.getByRole('dialog', { name: '扫描快递单号' }).count()).toBe(0);

    // The recipient's phone is a resident's here: name and address to confirm.
    await page.getByRole('textbox', { name: '收件人手机', exact: true }).fill(world.residentPhone);
    await expect.poll(() => page.getByTestId('recipient-hint').textContent(), WAIT).toContain(`${world.resident.name} · ${world.community.name} 3/2/1201`);
    await page.getByRole('button', { name: '确认收件人' }).click();
    expect(await page.getByRole('textbox', { name: '收件人姓名', exact: true }).inputValue()).toBe(world.resident.name);
    await h.screenshot(page, 'courier-deliver-filled');

    // The network loses the answer to the first submission: the server did create the parcel,
    // the phone does not know. Every POST's key is noted.
    const keys: string[] = [];
    let lost = false;
    await page.route('**/api/courier/parcels', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      keys.push((await req.headerValue('idempotency-key')) ?? '');
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('internetdisconnected');
    });
    await page.getByRole('button', { name: '提交' }).click();
    const pending = page.getByTestId('pending-entry');
    await expect.poll(() => pending.count(), WAIT).toBe(1);
    expect(await pending.innerText()).toContain(SCANNED);
    // The form empties for the next parcel (just after the entry shows as 待发送).
    await expect.poll(() => page.getByRole('textbox', { name: '快递单号', exact: true }).inputValue(), WAIT).toBe('');
    await h.screenshot(page, 'courier-pending');

    // Meanwhile the courier enters the next parcel, typed.
    const typed = `YT${Date.now()}`.slice(0, 15);
    const otherPhone = randomMobile();
    await page.getByRole('textbox', { name: '快递单号', exact: true }).fill(typed);
    await page.getByRole('textbox', { name: '收件人手机', exact: true }).fill(otherPhone);
    await page.getByRole('textbox', { name: '收件人姓名', exact: true }).fill('王五');
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: '快递单号', exact: true }).inputValue(), WAIT).toBe('');

    // The queue sends the lost one again by itself, with the same key: one parcel, not two.
    await expect.poll(() => pending.count(), RETRY_WAIT).toBe(0);
    expect(keys.length).toBe(3);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[1]).not.toBe(keys[0]);
    const listed = expectStatus(await world.admin.get<ListPage<Parcel>>(`/api/parcels?q=${SCANNED}`), 200);
    expect(listed.total).toBe(1);
    const scanned = listed.items[0] as Parcel;
    expect(scanned).toMatchObject({ status: 'pending_receipt', carrier: '顺丰速运', recipientPhone: world.residentPhone, address: '3/2/1201' });
    const second = expectStatus(await world.admin.get<ListPage<Parcel>>(`/api/parcels?q=${typed}`), 200).items[0] as Parcel;

    // The front desk receives the first and rejects the second, through the API.
    expectStatus(await world.admin.post<Parcel>(`/api/parcels/${scanned.id}/receive`, { damaged: true }), 200);
    expectStatus(await world.admin.post<Parcel>(`/api/parcels/${second.id}/reject`, { reason: '查无此人' }), 200);

    // Opening the app again: 拒收提醒, once.
    await page.reload();
    const notice = page.getByTestId('rejection-notice');
    await expect.poll(() => notice.textContent(), WAIT).toContain(`${typed}：查无此人`);
    await h.screenshot(page, 'courier-rejection-notice');
    await page.getByRole('button', { name: '知道了' }).click();
    await page.reload();
    await page.getByRole('textbox', { name: '快递单号', exact: true }).waitFor();
    await page
      .getByRole('tab', { name: '派送记录' })
      .or(page.getByText('派送记录', { exact: true }).last())
      .click();
    await page.waitForURL('**/courier/records');
    const records = page.locator('article');
    await expect.poll(() => records.count(), WAIT).toBe(2);
    expect(await records.nth(0).innerText()).toMatch(new RegExp(`${typed}[\\s\\S]*已拒收[\\s\\S]*查无此人`));
    expect(await records.nth(1).innerText()).toMatch(new RegExp(`${SCANNED}[\\s\\S]*待领取`));
    expect(await notice.count()).toBe(0);
    await h.screenshot(page, 'courier-records');

    // The resident: the code, large and as a QR code, and the fee as of now (3 days and 1 hour: ¥6.00).
    // (The clerk's session would have timed out by then: read the code first.)
    const code = expectStatus(await world.admin.get<Parcel>(`/api/parcels/${scanned.id}`), 200).pickupCode ?? '';
    h.t.clock.advance(3 * DAY + 3_600_000);
    const resident = await h.newPage({ mobile: true });
    await resident.goto('/resident/');
    await resident.waitForURL('**/resident/login');
    await h.screenshot(resident, 'resident-login');
    await preferenceAsked(resident, world.residentPhone);
    await phoneSignIn(resident, h.t.app, world.residentPhone);
    await resident.waitForURL((url) => /^\/resident\/?$/.test(url.pathname));
    const card = resident.locator('article', { hasText: SCANNED });
    await card.waitFor();
    expect(code).toMatch(/^\d{6}$/);
    expect(await card.getByTestId('pickup-code').textContent()).toBe(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(await card.getByTestId('fee').innerText()).toContain(formatFen(600));
    expect(await card.locator('svg').count()).toBeGreaterThan(0);
    const text = await card.innerText();
    for (const part of ['顺丰速运', world.community.name, world.community.collectionPointName, '外观有破损']) expect(text).toContain(part);
    // Nobody else's phone or name: not the courier's.
    const body = await resident.locator('body').innerText();
    expect(body).not.toContain(world.courierPhone);
    expect(body).not.toContain(world.courierName);
    await h.screenshot(resident, 'resident-parcels');
    // 待接收 is empty (a tap lost on a loaded machine is tapped again).
    const pendingTab = resident.getByRole('tab', { name: '待接收' });
    await expect
      .poll(async () => {
        if ((await pendingTab.getAttribute('aria-selected')) !== 'true') await pendingTab.click();
        return resident.getByText('暂无快递').count();
      }, WAIT)
      .toBe(1);
  });

  it('without camera permission the courier types the number; the layout fits 375 px with 44 px touch targets', { timeout: TEST_MS }, async () => {
    const world = await setUp(h.t.app);
    const page = await h.newPage({ mobile: true });
    // The phone refuses the camera, as when the courier taps 拒绝.
    await page.addInitScript(`navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`);
    await page.goto('/courier/login');
    await phoneSignIn(page, h.t.app, world.courierPhone, world.courierName);
    await page.waitForURL((url) => /^\/courier\/?$/.test(url.pathname));
    await page.getByRole('textbox', { name: '快递单号', exact: true }).waitFor();

    // Nothing wider than the phone; every control a thumb can hit.
    // (Page code as strings: the tests are type-checked without the DOM's types.)
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    const targets = await page.evaluate<{ what: string; h: number; w: number }[]>(`
      [...document.querySelectorAll('button, [role=tab], .adm-tab-bar-item, .adm-list-item')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ what: el.innerText || el.getAttribute('aria-label') || el.className, h: el.getBoundingClientRect().height, w: el.getBoundingClientRect().width }))`);
    expect(targets.length).toBeGreaterThanOrEqual(8); // EN, 退出, 扫码, 提交, the two tabs, the two rows
    expect(targets.filter((r) => r.h < 44 || r.w < 44)).toEqual([]);

    await page.getByRole('button', { name: '扫码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toBe('未获得摄像头权限，请手动输入单号');
    await h.screenshot(page, 'courier-no-camera');
    await page.getByRole('button', { name: '手动输入' }).click();
    const trackingNo = `JT${Date.now()}`.slice(0, 15);
    await page.getByRole('textbox', { name: '快递单号', exact: true }).fill(trackingNo);
    await page.getByRole('textbox', { name: '收件人手机', exact: true }).fill(world.residentPhone);
    await page.getByRole('textbox', { name: '收件人姓名', exact: true }).fill('李四');
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: '快递单号', exact: true }).inputValue(), WAIT).toBe('');
    const listed = expectStatus(await world.admin.get<ListPage<Parcel>>(`/api/parcels?q=${trackingNo}`), 200);
    expect(listed.items.map((p) => p.status)).toEqual(['pending_receipt']);

    // The same number again is refused with the API's message, and the form keeps what was typed.
    await page.getByRole('textbox', { name: '快递单号', exact: true }).fill(trackingNo);
    await page.getByRole('textbox', { name: '收件人手机', exact: true }).fill(world.residentPhone);
    await page.getByRole('textbox', { name: '收件人姓名', exact: true }).fill('李四');
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toMatch(/单号/);
    expect(await page.getByRole('textbox', { name: '快递单号', exact: true }).inputValue()).toBe(trackingNo);
    expect(await page.getByTestId('pending-entry').count()).toBe(0);

    // 扫描单号显示手机号: the carrier's pre-advice fills the phone and name once the number is entered.
    const key = expectStatus(await world.admin.post<{ key: string }>('/api/integrations/keys', { name: '极兔对接', scopes: ['pre_advice:write'] }), 201).key;
    const advised = `JT${Date.now() + 7}`.slice(0, 15);
    const pushed = await h.t.app.inject({
      method: 'POST',
      url: '/api/open/v1/pre-advice',
      headers: { authorization: `Bearer ${key}` },
      payload: { items: [{ communityId: world.community.id, trackingNo: advised, recipientPhone: world.residentPhone, recipientName: '王预报' }] },
    });
    expect(JSON.parse(pushed.body)).toEqual({ accepted: 1, failed: [] });
    await page.getByRole('textbox', { name: '收件人手机', exact: true }).fill('');
    await page.getByRole('textbox', { name: '收件人姓名', exact: true }).fill('');
    await page.getByRole('textbox', { name: '快递单号', exact: true }).fill(advised);
    await page.getByRole('textbox', { name: '快递单号', exact: true }).press('Enter');
    await page.getByTestId('pre-advice-hint').waitFor();
    const digits = async () => (await page.getByRole('textbox', { name: '收件人手机', exact: true }).inputValue()).replace(/\D/g, '');
    await expect.poll(digits, WAIT).toBe(world.residentPhone);
    expect(await page.getByRole('textbox', { name: '收件人姓名', exact: true }).inputValue()).toBe('王预报');
  });
});
