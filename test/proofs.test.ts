// Proof of pickup (SPEC §15, issue 19 point 4) on both databases: a photo or signature checked by
// its bytes, kept with the parcel, served to the desk as the image it is; bad images refused and
// nothing kept; a community that requires a proof refuses a pickup without one.
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ApiError, Parcel } from './support/api.js';
import { useTestApp } from './support/app.js';
import { createClerk, createCommunity, createOrg, createWorld, enterParcel, expectError, expectStatus, type Client } from './support/factories.js';
import { multipart } from './support/spreadsheets.js';

const t = useTestApp();

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A real PNG: w × h, 8-bit grey. */
function png(w = 4, h = 3): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc(h * (w + 1), 0x80);
  for (let y = 0; y < h; y++) rows[y * (w + 1)] = 0; // filter byte
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The frame of a JPEG: SOI, a JFIF APP0, SOF0 (2 × 2, one component), EOI. */
function jpeg(): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x02, 0x00, 0x02, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, Buffer.from([0xff, 0xd9])]);
}

function upload(c: Client, parcelId: number, file: Buffer, kind = 'photo', type = 'image/png') {
  const body = multipart(file, 'proof', type);
  return t.app
    .inject({
      method: 'POST',
      url: `/api/parcels/${parcelId}/proof?kind=${kind}`,
      payload: body.payload,
      headers: { ...body.headers, cookie: `sid=${c.cookie}` },
    })
    .then((r) => ({ status: r.statusCode, body: JSON.parse(r.body) as ApiError & { kind: string; width: number } }));
}

async function waiting(w: Awaited<ReturnType<typeof createWorld>>) {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
}

const proofRows = (parcelId: number) => t.database.db.selectFrom('parcel_proofs').select('id').where('parcel_id', '=', parcelId).execute();

describe('领取凭证', () => {
  it('keeps a checked photo or signature with the parcel and serves it to the desk as that image', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(w);
    const photo = await upload(w.admin, p.id, jpeg(), 'photo', 'image/jpeg');
    expect(photo.status).toBe(201);
    expect(photo.body).toMatchObject({ kind: 'photo', mime: 'image/jpeg', width: 2, height: 2 });
    const signature = await upload(w.admin, p.id, png(), 'signature');
    expect(signature.body).toMatchObject({ kind: 'signature', mime: 'image/png', width: 4, height: 3 });
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).hasProof).toBe(true);

    const served = await t.app.inject({ method: 'GET', url: `/api/parcels/${p.id}/proof`, headers: { cookie: `sid=${w.admin.cookie}` } });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(png())).toBe(true);

    // Staff of that community only: a clerk of another, another org, a resident: not found or refused.
    const elsewhere = await createCommunity(w.admin);
    const clerk = await createClerk(t.app, w.admin, [elsewhere.id]);
    expectError(await clerk.client.get(`/api/parcels/${p.id}/proof`), 404, 'not_found');
    expect((await upload(clerk.client, p.id, png())).status).toBe(404);
    const other = await createOrg(t.app);
    expectError(await other.admin.get(`/api/parcels/${p.id}/proof`), 404, 'not_found');
    expect((await t.app.inject({ method: 'GET', url: `/api/parcels/${p.id}/proof` })).statusCode).toBe(401);
  });

  it('refuses what is not a whole JPEG or PNG of at most 2 MB, keeping nothing', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(w);
    const good = png();
    const bad: [string, Buffer][] = [
      ['a PNG header with junk', Buffer.concat([good.subarray(0, 16), Buffer.from('<script>alert(1)</script>'.repeat(4))])],
      ['a PNG whose IHDR is altered', Buffer.concat([good.subarray(0, 20), Buffer.from([0, 0, 9, 9]), good.subarray(24)])],
      ['an SVG with a script', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['a JPEG without its end', jpeg().subarray(0, -2)],
      ['an empty file', Buffer.alloc(0)],
      ['5 MB', Buffer.concat([good, Buffer.alloc(5 * 1024 * 1024)])],
    ];
    for (const [what, bytes] of bad) {
      const r = await upload(w.admin, p.id, bytes, 'photo', 'image/png');
      expect(r.status, what).toBe(400);
      expect(r.body.error, what).toBe('bad_image');
    }
    expect((await upload(w.admin, p.id, good, 'drawing')).status).toBe(400);
    expect(await proofRows(p.id)).toEqual([]);
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).hasProof).toBe(false);
  });

  it('a community that requires a proof hands a parcel out only with one', async () => {
    const w = await createWorld(t.app);
    expect(
      expectStatus(await w.admin.patch<{ proofRequired: boolean }>(`/api/communities/${w.community.id}`, { proofRequired: true }), 200).proofRequired,
    ).toBe(true);
    const p = await waiting(w);
    expectError(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 409, 'proof_required');
    expect((await upload(w.admin, p.id, png(), 'signature')).status).toBe(201);
    expect(expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200).status).toBe('picked_up');
  });
});
