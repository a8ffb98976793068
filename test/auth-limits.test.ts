// The limits of sign-in: staff lockout after failed passwords, an SMS code's lifetime and tries,
// and how many codes a phone or a client address may request (also across server instances).

import { describe, expect, it } from 'vitest';
import type { ApiError, DevInbox, StaffLoginResult } from './support/api.js';
import { buildTestApp, useTestApp } from './support/app.js';
import {
  Client,
  createClerk,
  createCommunity,
  createOrg,
  expectStatus,
  lastCode,
  otherCode,
  randomMobile,
  sendCode,
  uniqueIp,
  type Reply,
} from './support/factories.js';

const t = useTestApp();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ADMIN_PASSWORD = 'admin-pass-123'; // what createOrg gives every admin

/**
 * Moves the clock forward to `offsetMs` into the next window of `windowMs`, so that the steps of
 * a test fall in one window of a limit ("within 15 minutes") whatever ran before.
 */
function startOfNextWindow(windowMs: number, offsetMs: number): void {
  t.clock.set(new Date((Math.floor(t.clock.t / windowMs) + 1) * windowMs + offsetMs));
}

/** The Retry-After header of a 429, in whole seconds. */
function retryAfterSeconds(r: Reply): number {
  const v = r.headers['retry-after'];
  expect(typeof v === 'string' ? v : String(v)).toMatch(/^\d+$/);
  return Number(v);
}

function expectTooMany(r: Reply): number {
  expect(r.status).toBe(429);
  expect(r.body).toMatchObject({ error: 'too_many_requests', message: '操作过于频繁，请稍后再试' });
  const s = retryAfterSeconds(r);
  expect(s).toBeGreaterThan(0);
  return s;
}

async function inboxSize(phone: string): Promise<number> {
  const r = expectStatus(await new Client(t.app).get<DevInbox>(`/api/dev/messages?to=${phone}`), 200);
  return r.items.length;
}

const otp = (c: Client, phone: string) => c.post('/api/auth/otp', { phone, purpose: 'resident' });

describe('staff sign-in lockout', () => {
  it('after 10 failed sign-ins of one username from one address in 15 minutes refuses that address even the right password, until 15 minutes pass; other addresses still get in', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const clerk = await createClerk(t.app, org.admin, [community.id]);
    startOfNextWindow(15 * MINUTE, MINUTE);
    const ip = uniqueIp();
    const c = new Client(t.app, ip);

    // Nine failures do not lock: the clerk still gets in.
    for (let i = 0; i < 9; i++) {
      expect((await c.post('/api/auth/staff/login', { username: clerk.username, password: `wrong-${i}` })).status).toBe(401);
    }
    expectStatus(await new Client(t.app, ip).post('/api/auth/staff/login', { username: clerk.username, password: 'clerk-pass-123' }), 200);

    for (let i = 0; i < 10; i++) {
      t.clock.advance(30_000);
      const r = await c.post<ApiError>('/api/auth/staff/login', { username: org.adminUsername, password: `wrong-${i}` });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('invalid_credentials');
    }
    const locked = new Client(t.app, ip);
    const refused = await locked.post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD });
    expect(expectTooMany(refused)).toBeLessThanOrEqual(15 * 60);
    expect(locked.cookie).toBeUndefined();
    // From another address the admin still gets in: an attacker's wrong guesses do not keep the admin out.
    expectStatus(await new Client(t.app, uniqueIp()).post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }), 200);
    // A session started before the lock keeps working; other accounts are not locked.
    expectStatus(await org.admin.get('/api/me'), 200);
    expectStatus(await new Client(t.app, ip).post('/api/auth/staff/login', { username: clerk.username, password: 'clerk-pass-123' }), 200);

    t.clock.advance(15 * MINUTE);
    const back = expectStatus(await locked.post<StaffLoginResult>('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }), 200);
    expect(back.staff.id).toBe(org.adminId);
    expectStatus(await locked.get('/api/me'), 200);
  });
});

describe('staff sign-in lockout across a window boundary', () => {
  it('ten failures just before a window turns still lock the account just after it', async () => {
    const org = await createOrg(t.app);
    startOfNextWindow(15 * MINUTE, 15 * MINUTE - 20_000); // 20 s before the next window
    const ip = uniqueIp();
    const c = new Client(t.app, ip);
    for (let i = 0; i < 10; i++) {
      t.clock.advance(1_000);
      expect((await c.post('/api/auth/staff/login', { username: org.adminUsername, password: `wrong-${i}` })).status).toBe(401);
    }
    t.clock.advance(20_000); // now 10 s into the new window
    const wait = expectTooMany(await new Client(t.app, ip).post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }));
    expect(wait).toBeGreaterThan(60);
    // The failures age out as the window slides: 15 minutes after them the account is open.
    t.clock.advance(15 * MINUTE);
    expectStatus(await new Client(t.app, ip).post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }), 200);
  });
});

describe('staff sign-in lockout across addresses', () => {
  it('100 failures of one account from many addresses in 15 minutes lock it everywhere (guessing spread over a botnet)', async () => {
    const org = await createOrg(t.app);
    startOfNextWindow(15 * MINUTE, MINUTE);
    // 9 wrong tries from each of 11 addresses: none of them reaches its own limit of 10.
    for (let a = 0; a < 11; a++) {
      const c = new Client(t.app, uniqueIp());
      for (let i = 0; i < 9; i++)
        expect((await c.post('/api/auth/staff/login', { username: org.adminUsername, password: `wrong-${a}-${i}` })).status).toBe(401);
    }
    // 99 so far: one more address, one more wrong try, and the account is closed to all.
    expectStatus(await new Client(t.app, uniqueIp()).post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }), 200);
    expect((await new Client(t.app, uniqueIp()).post('/api/auth/staff/login', { username: org.adminUsername, password: 'wrong-last' })).status).toBe(401);
    expectTooMany(await new Client(t.app, uniqueIp()).post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }));
    t.clock.advance(15 * MINUTE);
    expectStatus(await new Client(t.app, uniqueIp()).post('/api/auth/staff/login', { username: org.adminUsername, password: ADMIN_PASSWORD }), 200);
  });
});

describe('SMS code lifetime', () => {
  it('is valid for 10 minutes', async () => {
    const early = randomMobile();
    const late = randomMobile();
    const earlyCode = await sendCode(t.app, early, 'resident');
    const lateCode = await sendCode(t.app, late, 'resident');

    t.clock.advance(10 * MINUTE - 1000);
    expectStatus(await new Client(t.app).post('/api/auth/resident/login', { phone: early, code: earlyCode }), 200);

    t.clock.advance(2000); // 10 min + 1 s after sending
    const c = new Client(t.app);
    const r = await c.post('/api/auth/resident/login', { phone: late, code: lateCode });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_code', message: '验证码错误或已过期' });
    expect(c.cookie).toBeUndefined();
  });

  it('works once only', async () => {
    const phone = randomMobile();
    const code = await sendCode(t.app, phone, 'resident');
    expectStatus(await new Client(t.app).post('/api/auth/resident/login', { phone, code }), 200);
    const second = await new Client(t.app).post<ApiError>('/api/auth/resident/login', { phone, code });
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_code');
  });

  it('locks after 5 wrong tries: the right code then fails, while 4 wrong tries still allow it', async () => {
    const fourWrong = randomMobile();
    const fiveWrong = randomMobile();
    const code4 = await sendCode(t.app, fourWrong, 'resident');
    const code5 = await sendCode(t.app, fiveWrong, 'resident');
    const c = new Client(t.app);
    for (let i = 1; i <= 5; i++) {
      if (i <= 4) expect((await c.post<ApiError>('/api/auth/resident/login', { phone: fourWrong, code: otherCode(code4, i) })).body.error).toBe('invalid_code');
      expect((await c.post<ApiError>('/api/auth/resident/login', { phone: fiveWrong, code: otherCode(code5, i) })).body.error).toBe('invalid_code');
    }
    expectStatus(await new Client(t.app).post('/api/auth/resident/login', { phone: fourWrong, code: code4 }), 200);
    const locked = await new Client(t.app).post<ApiError>('/api/auth/resident/login', { phone: fiveWrong, code: code5 });
    expect(locked.status).toBe(400);
    expect(locked.body.error).toBe('invalid_code');
  });

  it('counts wrong codes per client address across phones: past 50 in 15 minutes even a right code waits (429), other addresses go on', async () => {
    startOfNextWindow(15 * MINUTE, 0);
    const guesser = new Client(t.app, uniqueIp());
    const phones = Array.from({ length: 10 }, () => randomMobile());
    const codes = await Promise.all(phones.map((p) => sendCode(t.app, p, 'resident')));
    // Five wrong guesses at each of ten phones' codes: 50, each answered invalid_code.
    for (const [i, phone] of phones.entries()) {
      for (let k = 1; k <= 5; k++) {
        expect((await guesser.post<ApiError>('/api/auth/resident/login', { phone, code: otherCode(codes[i] ?? '', k) })).body.error).toBe('invalid_code');
      }
    }
    const phone = randomMobile();
    const code = await sendCode(t.app, phone, 'resident');
    const waitSeconds = expectTooMany(await guesser.post('/api/auth/resident/login', { phone, code }));
    expect(waitSeconds).toBeLessThanOrEqual(15 * 60);
    // The same code from another address works; the guesser's address is free again after the window.
    expectStatus(await new Client(t.app, uniqueIp()).post('/api/auth/resident/login', { phone, code }), 200);
    t.clock.advance(15 * MINUTE);
    const later = randomMobile();
    expectStatus(await guesser.post('/api/auth/resident/login', { phone: later, code: await sendCode(t.app, later, 'resident') }), 200);
  });

  it('voids the older code when a new one is sent', async () => {
    const phone = randomMobile();
    const older = await sendCode(t.app, phone, 'resident');
    t.clock.advance(61_000); // past the one-a-minute limit
    let newer = await sendCode(t.app, phone, 'resident');
    expect((await new Client(t.app).get<DevInbox>(`/api/dev/messages?to=${phone}`)).body.items).toHaveLength(2);
    if (newer === older) {
      // One chance in a million: the two codes are equal; send a third so they differ.
      t.clock.advance(61_000);
      newer = await sendCode(t.app, phone, 'resident');
    }
    const r = await new Client(t.app).post<ApiError>('/api/auth/resident/login', { phone, code: older });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_code');
    expectStatus(await new Client(t.app).post('/api/auth/resident/login', { phone, code: newer }), 200);
    // Nor does the older code come back once the newer one is used.
    expect((await new Client(t.app).post('/api/auth/resident/login', { phone, code: older })).status).toBe(400);
  });
});

describe('SMS code sending limits', () => {
  it('sends one code a minute per phone, telling when to try again', async () => {
    startOfNextWindow(MINUTE, 5_000);
    const phone = randomMobile();
    const c = new Client(t.app);
    expect((await otp(c, phone)).status).toBe(204);

    t.clock.advance(30_000);
    const wait = expectTooMany(await otp(c, phone));
    expect(wait).toBeLessThanOrEqual(60);
    expect(await inboxSize(phone)).toBe(1);
    // Another phone is not held up.
    expect((await otp(c, randomMobile())).status).toBe(204);

    t.clock.advance((wait - 2) * 1000);
    expectTooMany(await otp(c, phone));
    t.clock.advance(2_000);
    expect((await otp(c, phone)).status).toBe(204);
    expect(await inboxSize(phone)).toBe(2);
  });

  it('counts the minute from the last code, also across a clock-minute boundary', async () => {
    startOfNextWindow(MINUTE, 59_000);
    const phone = randomMobile();
    const c = new Client(t.app);
    expect((await otp(c, phone)).status).toBe(204);
    t.clock.advance(2_000); // the next clock minute, 2 s after the code
    expect(expectTooMany(await otp(c, phone))).toBe(58);
    t.clock.advance(58_000);
    expect((await otp(c, phone)).status).toBe(204);
    expect(await inboxSize(phone)).toBe(2);
  });

  it('sends at most 10 codes a day per phone', async () => {
    startOfNextWindow(DAY, HOUR);
    const phone = randomMobile();
    const c = new Client(t.app);
    for (let i = 0; i < 10; i++) {
      expect((await otp(c, phone)).status, `code ${i + 1}`).toBe(204);
      t.clock.advance(61_000);
    }
    const wait = expectTooMany(await otp(c, phone));
    expect(wait).toBeGreaterThan(60); // the day's limit, not the minute's
    expect(await inboxSize(phone)).toBe(10);

    t.clock.advance(2 * HOUR);
    expectTooMany(await otp(c, phone));
    t.clock.advance(DAY);
    expect((await otp(c, phone)).status).toBe(204);
    expect(await inboxSize(phone)).toBe(11);
  });

  it('limits the codes one client address may request in an hour', async () => {
    const limited = await buildTestApp({
      database: t.database,
      clock: t.clock,
      config: { otpLimits: { perPhonePerMinute: 1, perPhonePerDay: 10, perIpPerHour: 3 } },
    });
    try {
      startOfNextWindow(HOUR, MINUTE);
      const ip = uniqueIp();
      const c = new Client(limited.app, ip);
      for (let i = 0; i < 3; i++) expect((await otp(c, randomMobile())).status).toBe(204);
      const fourth = randomMobile();
      expect(expectTooMany(await otp(c, fourth))).toBeLessThanOrEqual(3600);
      expect(await inboxSize(fourth)).toBe(0);
      // Another address still gets codes.
      expect((await otp(new Client(limited.app, uniqueIp()), randomMobile())).status).toBe(204);

      t.clock.advance(HOUR);
      const later = randomMobile();
      expect((await otp(c, later)).status).toBe(204);
      expect(await inboxSize(later)).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('holds across two server instances sharing the database', async () => {
    const second = await buildTestApp({ database: t.database, clock: t.clock });
    try {
      const phone = randomMobile();
      expect((await otp(new Client(t.app), phone)).status).toBe(204);
      t.clock.advance(1_000);
      expectTooMany(await otp(new Client(second.app), phone));
      expect(await inboxSize(phone)).toBe(1);

      // The code the first instance sent signs in on the second.
      const code = await lastCode(t.app, phone);
      const c = new Client(second.app);
      expectStatus(await c.post('/api/auth/resident/login', { phone, code }), 200);
      expect(expectStatus(await c.get('/api/me'), 200)).toEqual({ kind: 'resident', resident: { phone }, wechat: { enabled: false, bound: false } });
    } finally {
      await second.close();
    }
  });
});
