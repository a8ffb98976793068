import { describe, expect, it } from 'vitest';
import { RECIPIENT_LOOKUP_LIMITS } from '../src/shared/constants.js';
import { useTestApp } from './support/app.js';
import { createCommunity, createWorld, expectStatus, randomMobile, residentLogin } from './support/factories.js';

const t = useTestApp();

interface RecipientReply {
  recipient: { name: string; address: string } | null;
}

describe('派送快递: the recipient behind a typed phone', () => {
  it('names the resident of that phone in the community and the address, for the courier to confirm', async () => {
    const w = await createWorld(t.app);
    const found = expectStatus(await w.courier.get<RecipientReply>(`/api/courier/recipient?communityId=${w.community.id}&phone=${w.residentPhone}`), 200);
    expect(found).toEqual({ recipient: { name: w.resident.name, address: '1/1/101' } });
    // Full-width digits and +86 are the same phone.
    const wide = `+86 ${w.residentPhone}`.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(
      expectStatus(await w.courier.get<RecipientReply>(`/api/courier/recipient?communityId=${w.community.id}&phone=${encodeURIComponent(wide)}`), 200),
    ).toEqual(found);
    const nobody = expectStatus(await w.courier.get<RecipientReply>(`/api/courier/recipient?communityId=${w.community.id}&phone=${randomMobile()}`), 200);
    expect(nobody).toEqual({ recipient: null });
  });

  it('answers only a courier, only for a community the courier delivers to, and only for a valid phone', async () => {
    const w = await createWorld(t.app);
    const other = await createCommunity(w.admin);
    const q = (communityId: number, phone = w.residentPhone) => `/api/courier/recipient?communityId=${communityId}&phone=${phone}`;
    expect((await w.courier.get(q(other.id))).status).toBe(403);
    expect((await w.courier.get(q(w.community.id, '12345'))).status).toBe(400);
    expect((await w.admin.get(q(w.community.id))).status).toBe(401);
    const resident = await residentLogin(t.app, w.residentPhone);
    expect((await resident.get(q(w.community.id))).status).toBe(401);
  });

  it('answers at a courier’s pace: past the hourly limit 429 too_many_requests, answered again an hour later', async () => {
    const w = await createWorld(t.app);
    const q = `/api/courier/recipient?communityId=${w.community.id}&phone=${w.residentPhone}`;
    for (let i = 0; i < RECIPIENT_LOOKUP_LIMITS.perHour; i++) expectStatus(await w.courier.get(q), 200);
    const refused = await w.courier.get<{ error: string; retryAfterSeconds: number }>(q);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    t.clock.advance(3_600_000);
    expect((await w.courier.get(q)).status).toBe(200);
  });
});
