import { randomBytes, randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { ErrorBody, type App } from '../../src/server/http.js';
import type { ApiError, Community, Courier, CreateOrgResult, DevInbox, Parcel, Resident, Staff } from './api.js';
import { OPERATOR_TOKEN } from './app.js';

type Json = Record<string, unknown> | unknown[] | null;

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/** A browser-like client: keeps its session cookie, talks to the app through inject. */
export class Client {
  cookie: string | undefined;
  constructor(
    readonly app: App,
    readonly ip = '127.0.0.1',
  ) {}

  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: Json,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: { ...(this.cookie ? { cookie: `sid=${this.cookie}` } : {}), ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const set = res.cookies.find((c) => c.name === 'sid');
    if (set) this.cookie = set.value === '' ? undefined : set.value;
    const text = res.body;
    return { status: res.statusCode, body: text ? (JSON.parse(text) as T) : (undefined as T), headers: res.headers };
  }
  get<T = unknown>(url: string) {
    return this.call<T>('GET', url);
  }
  post<T = unknown>(url: string, body?: Json, headers?: Record<string, string>) {
    return this.call<T>('POST', url, body, headers);
  }
  put<T = unknown>(url: string, body?: Json) {
    return this.call<T>('PUT', url, body);
  }
  patch<T = unknown>(url: string, body?: Json) {
    return this.call<T>('PATCH', url, body);
  }
  delete<T = unknown>(url: string) {
    return this.call<T>('DELETE', url);
  }
}

/** A valid mainland mobile that no other test uses (139 + 8 random digits). */
export function randomMobile(): string {
  return `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/** A name unique across the run (tests share one PostgreSQL database). */
export function uniq(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** Asserts a status, showing the body when it differs. */
export function expectStatus<T>(r: Reply<T>, status: number): T {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Asserts an error answer: its status, its stable code and a readable message. */
export function expectError(r: Reply, status: number, error: string): ApiError {
  const body = expectStatus(r, status);
  expect(body).toMatchObject({ error, message: expect.any(String) });
  const parsed = ErrorBody.parse(body);
  expect(parsed.message.length).toBeGreaterThan(0);
  return parsed;
}

/** A client address no other test uses, for the limits counted per address. */
export function uniqueIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Asks for a sign-in code by SMS and answers it, read from the development inbox. */
export async function sendCode(app: App, phone: string, purpose: 'courier' | 'resident', c = new Client(app)): Promise<string> {
  expectStatus(await c.post('/api/auth/otp', { phone, purpose }), 204);
  return lastCode(app, phone);
}

/** Another 6-digit code than `code` (a wrong guess). */
export function otherCode(code: string, step = 1): string {
  return String((Number(code) + step) % 1_000_000).padStart(6, '0');
}

/** A fresh org made through the operator API, with its admin signed in. */
export async function createOrg(app: App, name = uniq('物业')) {
  const username = uniq('admin');
  const password = 'admin-pass-123';
  const r = await app.inject({
    method: 'POST',
    url: '/api/operator/orgs',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    payload: { name, adminUsername: username, adminPassword: password },
  });
  if (r.statusCode !== 201) throw new Error(`org creation failed: ${r.body}`);
  const created = JSON.parse(r.body) as CreateOrgResult;
  const admin = await staffLogin(app, username, password);
  return { org: created.org, adminId: created.admin.id, admin, adminUsername: username };
}

export async function staffLogin(app: App, username: string, password: string, ip?: string): Promise<Client> {
  const c = new Client(app, ip);
  expectStatus(await c.post('/api/auth/staff/login', { username, password }), 200);
  return c;
}

export async function createCommunity(admin: Client, body: Record<string, unknown> = {}) {
  return expectStatus(await admin.post<Community>('/api/communities', { name: uniq('小区'), feeRateFen: 200, ...body }), 201);
}

export async function createClerk(app: App, admin: Client, communityIds: number[]) {
  const username = uniq('clerk');
  const staff = expectStatus(await admin.post<Staff>('/api/staff', { username, password: 'clerk-pass-123', role: 'clerk', communityIds }), 201);
  return { staff, client: await staffLogin(app, username, 'clerk-pass-123'), username };
}

/** The newest code the console provider "sent" to a phone. */
export async function lastCode(app: App, phone: string): Promise<string> {
  const r = await new Client(app).get<DevInbox>(`/api/dev/messages?to=${phone}`);
  const m = /验证码是(\d{6})/.exec(r.body.items[0]?.text ?? '');
  if (!m?.[1]) throw new Error(`no code for ${phone}`);
  return m[1];
}

/** Signs a courier in by SMS code (registering with `name` on the first sign-in). */
export async function courierLogin(app: App, phone: string, name?: string): Promise<Client> {
  const c = new Client(app);
  expectStatus(await c.post('/api/auth/otp', { phone, purpose: 'courier' }), 204);
  const code = await lastCode(app, phone);
  expectStatus(await c.post('/api/auth/courier/login', { phone, code, ...(name ? { name } : {}) }), 200);
  return c;
}

export async function residentLogin(app: App, phone: string): Promise<Client> {
  const c = new Client(app);
  expectStatus(await c.post('/api/auth/otp', { phone, purpose: 'resident' }), 204);
  const code = await lastCode(app, phone);
  expectStatus(await c.post('/api/auth/resident/login', { phone, code }), 200);
  return c;
}

/**
 * A small world in a fresh org: a community at 2元/天, a courier record there and the courier
 * signed in, a resident with a home.
 */
export async function createWorld(app: App) {
  const org = await createOrg(app);
  const community = await createCommunity(org.admin, { feeRateFen: 200 });
  const courierPhone = randomMobile();
  const courierName = uniq('快递员');
  const courierRecord = expectStatus(
    await org.admin.post<Courier>('/api/couriers', { communityId: community.id, name: courierName, phone: courierPhone, carrier: '百世' }),
    201,
  );
  const courier = await courierLogin(app, courierPhone, courierName);
  const residentPhone = randomMobile();
  const resident = expectStatus(
    await org.admin.post<Resident>('/api/residents', {
      communityId: community.id,
      name: uniq('住户'),
      phone: residentPhone,
      building: '1',
      unit: '1',
      room: '101',
    }),
    201,
  );
  return { ...org, community, courier, courierPhone, courierName, courierRecord, resident, residentPhone };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** A world with two parcels of its resident: one pending receipt, one awaiting pickup. */
export async function createWorldWithParcels(app: App) {
  const w = await createWorld(app);
  const pending = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  const other = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  const awaiting = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${other.id}/receive`, {}), 200);
  return { ...w, pending, awaiting };
}

let keySeq = 0;
/** A courier enters a parcel (a fresh idempotency key unless given); `T` is the answer expected, ApiError for a refusal. */
export async function enterParcel<T = Parcel>(
  courier: Client,
  body: { communityId: number; trackingNo?: string; recipientPhone: string; recipientName?: string },
  key = `k-${process.pid}-${++keySeq}-${randomBytes(4).toString('hex')}`,
): Promise<Reply<T>> {
  return courier.post<T>(
    '/api/courier/parcels',
    {
      trackingNo: uniq('T')
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '9'),
      recipientName: '收件人',
      ...body,
    },
    { 'idempotency-key': key },
  );
}
