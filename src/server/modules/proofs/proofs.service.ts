// Proof of pickup (SPEC §15): a webcam photo or the resident's signature, uploaded by the desk for
// a parcel of its communities, checked by its bytes (JPEG or PNG, at most 2 MB), kept in the
// database with the parcel, and served to staff of that community only, as the image it is.
import type { StaffAuth } from '../../actors.js';
import { inTransaction, nowIso, recordAudit, type Ctx } from '../../context.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { parcelInScope } from '../parcels/parcels.service.js';
import { checkImage } from './image-check.js';
import * as repo from './proofs.repo.js';

export const PROOF_MAX_BYTES = 2 * 1024 * 1024;

export async function addProof(ctx: Ctx, auth: StaffAuth, parcelId: number, kind: 'photo' | 'signature', bytes: Buffer) {
  const p = await parcelInScope(ctx, auth.scope, parcelId);
  // A proof belongs to a pickup: while the parcel waits, or just after it was handed out.
  if (p.status !== 'awaiting_pickup' && p.status !== 'picked_up') throw conflict('invalid_state');
  const image = checkImage(bytes);
  if (!image) throw badRequest('bad_image');
  const row = await inTransaction(ctx, async (ctx) => {
    const saved = await repo.insertProof(ctx.db, {
      org_id: p.org_id,
      parcel_id: p.id,
      kind,
      mime: image.mime,
      data: bytes,
      size: bytes.length,
      width: image.width,
      height: image.height,
      created_by: auth.staff.id,
      created_at: nowIso(ctx),
    });
    await repo.markHasProof(ctx.db, p.org_id, p.id);
    ctx.audit({ action: 'proof.add', entity: 'parcel', entityId: p.id, orgId: p.org_id, changes: { kind, mime: image.mime, size: bytes.length } });
    return saved;
  });
  return { id: Number(row.id), kind: row.kind, mime: row.mime, size: row.size, width: row.width, height: row.height, createdAt: row.created_at };
}

/** The parcel's latest proof image, for staff who may see the parcel; 404 without one. */
export async function proofImage(ctx: Ctx, auth: StaffAuth, parcelId: number) {
  const p = await parcelInScope(ctx, auth.scope, parcelId);
  const proof = await repo.latestProof(ctx.db, p.org_id, p.id);
  if (!proof) throw notFound();
  await recordAudit(ctx, { action: 'proof.view', entity: 'parcel', entityId: p.id, orgId: p.org_id, changes: { kind: proof.kind } });
  return { mime: proof.mime, data: Buffer.from(proof.data) };
}
