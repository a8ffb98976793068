// In Chromium: a page on another port of the same host (same site, so the browser sends it the
// console's SameSite cookie) tries to waive a real fee with every request it can make without
// asking; and a password someone else chose must be changed before the console opens.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { setTemporaryPassword } from '../src/server/modules/auth/auth.service.js';
import type { Parcel } from '../test/support/api.js';
import { createWorld, enterParcel, expectStatus, staffLogin } from '../test/support/factories.js';
import { browserAvailable, signIn, useConsole } from './support/browser.js';

const DAY = 86_400_000;

/** A page of another origin (another port of 127.0.0.1) that fires forged requests at `target` on load. */
function evilServer(target: string): Promise<{ origin: string; close(): Promise<void> }> {
  const page = `<!doctype html><meta charset="utf-8"><body>
<form id="f" method="POST" action="${target}" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<script>
  const shots = [
    fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' }),
    fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new FormData() }),
    fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: new URLSearchParams({ a: '1' }) }),
    navigator.sendBeacon(${JSON.stringify(target)}, '{}'),
  ];
  Promise.allSettled(shots).then(() => { document.title = 'fired'; document.getElementById('f').submit(); });
</script></body>`;
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe.skipIf(!browserAvailable)('security in the browser', () => {
  const h = useConsole();

  it('a page on another port of the same host cannot waive a real ¥4.00 fee with the signed-in clerk’s cookie', async () => {
    const w = await createWorld(h.t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    h.t.clock.advance(2 * DAY + 60_000);
    // Its own context: the forged fetches' CORS failures are the attack failing, not errors of our pages.
    const context = await h.browser.newContext({ baseURL: h.baseUrl });
    try {
      const desk = await context.newPage();
      await signIn(desk, w.adminUsername, 'admin-pass-123', '/admin/parcels');
      const evil = await evilServer(`${h.baseUrl}/api/parcels/${p.id}/waive-fee`);
      try {
        const attack = await context.newPage();
        // Each shot reaches the server (the browser sends the cookie: same site); the answers to
        // the fetches are hidden from the page (Cross-Origin-Resource-Policy), the form's is shown.
        let shots = 0;
        attack.on('request', (r) => void (r.method() === 'POST' && r.url().includes('/waive-fee') && shots++));
        const landed = attack.waitForResponse((r) => r.request().isNavigationRequest() && r.url().includes('/waive-fee'));
        await attack.goto(evil.origin);
        expect((await landed).status()).toBe(403);
        expect(shots).toBe(5);
      } finally {
        await evil.close();
      }
      const admin = await staffLogin(h.t.app, w.adminUsername, 'admin-pass-123');
      expect(expectStatus(await admin.get<Parcel>(`/api/parcels/${p.id}`), 200)).toMatchObject({ feeFen: 400, feeWaived: false });
      // The console itself still waives it.
      await desk.reload();
      await desk.getByRole('tab', { name: /待领取/ }).click();
      await desk.getByRole('row').filter({ hasText: p.trackingNo }).getByRole('button', { name: '撤销' }).click();
      await desk.getByRole('dialog').filter({ hasText: '确认撤销该包裹的保管费 ¥4.00？' }).getByRole('button', { name: '确认' }).click();
      await expect.poll(async () => (await admin.get<Parcel>(`/api/parcels/${p.id}`)).body.feeWaived).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a password someone else chose must be changed before the console opens', async () => {
    const w = await createWorld(h.t.app);
    await setTemporaryPassword(h.t.app.ctx, w.adminId, 'temporary-pass-1');
    const page = await h.newPage();
    await signIn(page, w.adminUsername, 'temporary-pass-1', '/admin/parcels');
    await expect.poll(() => page.getByText('修改初始密码').count()).toBe(1);
    await h.screenshot(page, 'password-change-required');
    await page.getByLabel('当前密码').fill('temporary-pass-1');
    await page.getByLabel('新密码', { exact: true }).fill('my-own-pass-123');
    await page.getByLabel('确认新密码').fill('my-own-pass-123');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByRole('menuitem', { name: '快递记录' }).count()).toBe(1);
    expectStatus(await (await staffLogin(h.t.app, w.adminUsername, 'my-own-pass-123')).get('/api/me'), 200);
  });
});
