// 收件偏好 (SPEC §19): per community, how a resident wants parcels — 代收 at the desk (the consent
// the 快递市场管理办法 asks for, with its time), 送货上门, or another way — optionally per carrier.
// Every change is kept append-only with the whole state after it, so that the consent standing
// when any parcel was received can be shown and exported.
import { createHash } from 'node:crypto';
import { canonicalCarrier } from '../../../shared/carriers.js';
import { maskName, maskPhone } from '../../../shared/phone.js';
import { boundInstant, formatShanghai } from '../../../shared/time.js';
import type { ResidentAuth, Scope } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import type { PreferenceMode } from '../../db/types.js';
import { badRequest, notFound } from '../../errors.js';
import { recordExport } from '../audit/audit.service.js';
import { residentCommunities, visibleCommunity } from '../communities/communities.service.js';
import { phoneSaltOf } from '../orgs/orgs.service.js';
import { getResident } from '../residents/residents.service.js';
import type { SheetSpec } from '../spreadsheets/write-table.js';
import * as repo from './preferences.repo.js';
import type { EffectivePreferenceT, PreferenceReq } from './preferences.schema.js';

type Modes = Record<string, PreferenceMode>;
/** A preference's state: the community's mode and its consent time, the carriers' own modes and theirs. */
interface State {
  mode: PreferenceMode;
  carriers: string;
  carrier_consent: string;
  consent_at: string | null;
}

const MODE_NAMES: Record<PreferenceMode, string> = { collect: '代收', door: '送货上门', other: '其他方式' };
const parse = (json: string | null): Modes => (json ? (JSON.parse(json) as Modes) : {});
/** The longest range an export reads. */
const MAX_EXPORT_DAYS = 400;

/** SHA-256 (hex) of the org's salt followed by the phone: how a carrier names a phone to the open API. */
export function phoneHash(salt: string, phone: string): string {
  return createHash('sha256').update(`${salt}${phone}`).digest('hex');
}

/** What counts for a parcel of this carrier: the carrier's own choice, else the community's. */
export function effective(s: State, carrier: string | null | undefined): EffectivePreferenceT {
  const own = carrier ? parse(s.carriers)[carrier] : undefined;
  if (own) return { mode: own, consentAt: own === 'collect' ? (parse(s.carrier_consent)[carrier ?? ''] ?? null) : null };
  return { mode: s.mode, consentAt: s.mode === 'collect' ? s.consent_at : null };
}

/** The carriers' modes written as the carrier list spells them (400 for a name it does not know). */
function carrierModes(input: Record<string, PreferenceMode> | undefined): Modes {
  const out: Modes = {};
  for (const [name, mode] of Object.entries(input ?? {})) {
    const canonical = canonicalCarrier(name);
    if (!canonical) {
      const message = `未知的快递公司：${name}`;
      throw badRequest('validation_error', message, { issues: [{ path: `body/carriers/${name}`, code: 'invalid_value', message }] });
    }
    out[canonical] = mode;
  }
  return out;
}

/** The resident's communities, each with its preference (mode null: not chosen yet). */
export async function myPreferences(ctx: Ctx, auth: ResidentAuth) {
  return presentPreferences(ctx, auth, await residentCommunities(ctx, auth.phone));
}

async function presentPreferences(ctx: Ctx, auth: ResidentAuth, communities: Awaited<ReturnType<typeof residentCommunities>>) {
  const rows = await repo.preferencesOfPhone(ctx.db, auth.phone);
  const byCommunity = new Map(rows.map((r) => [Number(r.community_id), r]));
  const items = communities.items.map((c) => {
    const p = byCommunity.get(c.id);
    return {
      communityId: c.id,
      communityName: c.name,
      mode: p?.mode ?? null,
      carriers: parse(p?.carriers ?? null),
      consentAt: p && p.mode === 'collect' ? p.consent_at : null,
      updatedAt: p?.updated_at ?? null,
    };
  });
  return { items, total: items.length };
}

/** Sets the resident's preference in one of their communities (404 for another): at once, and kept in the history. */
export async function setPreference(ctx: Ctx, auth: ResidentAuth, body: PreferenceReq) {
  const communities = await residentCommunities(ctx, auth.phone);
  const community = communities.items.find((c) => c.id === body.communityId);
  if (!community) throw notFound();
  const carriers = carrierModes(body.carriers);
  const orgId = community.orgId;
  const salt = await phoneSaltOf(ctx, orgId);
  await inTransaction(ctx, async (u) => {
    const now = nowIso(u);
    const before = await repo.findPreference(u.db, orgId, body.communityId, auth.phone);
    const oldCarriers = parse(before?.carriers ?? null);
    const oldConsent = parse(before?.carrier_consent ?? null);
    if (before && before.mode === body.mode && JSON.stringify(oldCarriers) === JSON.stringify(carriers)) return;
    // A consent keeps its first time while it stands; it is given anew after a change away.
    const consentAt = body.mode === 'collect' ? (before?.mode === 'collect' ? before.consent_at : now) : null;
    const carrierConsent: Record<string, string> = {};
    for (const [name, mode] of Object.entries(carriers)) {
      if (mode === 'collect') carrierConsent[name] = oldCarriers[name] === 'collect' ? (oldConsent[name] ?? now) : now;
    }
    const state = {
      org_id: orgId,
      community_id: body.communityId,
      phone: auth.phone,
      mode: body.mode,
      carriers: JSON.stringify(carriers),
      carrier_consent: JSON.stringify(carrierConsent),
      consent_at: consentAt,
    };
    await repo.upsertPreference(u.db, { ...state, phone_hash: phoneHash(salt, auth.phone), updated_at: now });
    await repo.insertChange(u.db, { ...state, at: now, from_mode: before?.mode ?? null, from_carriers: before?.carriers ?? null, by: 'resident' });
    u.audit({
      action: 'preference.update',
      entity: 'preference',
      entityId: `${body.communityId}:${maskPhone(auth.phone)}`,
      orgId,
      changes: { mode: [before?.mode ?? null, body.mode], carriers: [oldCarriers, carriers] },
    });
  });
  return presentPreferences(ctx, auth, communities);
}

/** The preference that counts now for a parcel to this phone of this carrier in a community, or null when the resident said nothing. */
export async function preferenceFor(
  ctx: Ctx,
  orgId: number,
  communityId: number,
  phone: string,
  carrier?: string | null,
): Promise<EffectivePreferenceT | null> {
  const p = await repo.findPreference(ctx.db, orgId, communityId, phone);
  return p ? effective(p, carrier) : null;
}

/** The preferences now of several parcels' recipients (the 快递记录 list), by `communityId:phone`. */
export async function preferencesNow(ctx: Ctx, orgId: number, pairs: { communityId: number; phone: string }[]) {
  const rows = await repo.preferencesOf(ctx.db, orgId, pairs);
  return new Map(rows.map((r) => [`${Number(r.community_id)}:${r.phone}`, r]));
}

/** The consent that stood when a parcel was received (or now, before its reception); null when none was recorded. */
export async function consentAt(ctx: Ctx, p: { org_id: number; community_id: number; recipient_phone: string; carrier: string; received_at: string | null }) {
  const c = await repo.changeAt(ctx.db, Number(p.org_id), Number(p.community_id), p.recipient_phone, p.received_at ?? nowIso(ctx));
  return c ? { ...effective(c, p.carrier), changedAt: c.at } : null;
}

/** 收件偏好记录 of a resident record (its phone in its community), newest first. */
export async function historyOf(ctx: Ctx, scope: Scope, residentId: number) {
  const r = await getResident(ctx, scope, residentId);
  const rows = await repo.changesOf(ctx.db, scope.orgId, r.communityId, r.phone);
  const items = rows.map((c) => ({
    at: c.at,
    mode: c.mode,
    carriers: parse(c.carriers),
    fromMode: c.from_mode,
    fromCarriers: c.from_carriers === null ? null : parse(c.from_carriers),
    by: c.by,
  }));
  return { items, total: items.length };
}

/** The open API: the preferences of the phone a carrier hashed with the org's salt (the phone itself never in the answer). */
export async function preferencesByHash(ctx: Ctx, orgId: number, hash: string, communityId?: number) {
  const rows = await repo.preferencesByHash(ctx.db, orgId, hash, communityId);
  return {
    total: rows.length,
    items: rows.map((r) => ({
      communityId: Number(r.community_id),
      mode: r.mode,
      carriers: parse(r.carriers),
      consentAt: r.mode === 'collect' ? r.consent_at : null,
    })),
  };
}

const describe = (mode: PreferenceMode | null, consent: string | null) =>
  mode === null ? '未记录' : mode === 'collect' ? `代收（同意于${formatShanghai(consent)}）` : MODE_NAMES[mode];

/** 代收同意记录: each parcel received in the range with the consent standing then (streamed by pages of ids). */
export async function consentExport(ctx: Ctx, scope: Scope, q: { from: string; to: string; communityId?: number }): Promise<SheetSpec> {
  const from = boundInstant(q.from, false) ?? '';
  const to = boundInstant(q.to, true) ?? '';
  if (from >= to || (Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_EXPORT_DAYS) {
    const message = from >= to ? '开始日期不能晚于结束日期' : `日期范围最长${MAX_EXPORT_DAYS}天`;
    throw badRequest('validation_error', message, { issues: [{ path: 'querystring/to', code: 'range', message }] });
  }
  if (q.communityId !== undefined) await visibleCommunity(ctx, scope, q.communityId);
  await recordExport(ctx, 'consent', q);
  const db = ctx.db;
  async function* rows() {
    let beforeId: number | undefined;
    for (;;) {
      const page = await repo.heldWithConsent(db, scope, { from, to, communityId: q.communityId, beforeId }, 1000);
      for (const p of page) {
        const standing =
          p.consent_mode === null
            ? null
            : effective(
                {
                  mode: p.consent_mode,
                  carriers: p.consent_carriers ?? '{}',
                  carrier_consent: p.consent_carrier_consent ?? '{}',
                  consent_at: p.consent_at,
                },
                p.carrier,
              );
        yield [
          p.community_name,
          p.tracking_no,
          p.carrier,
          maskName(p.recipient_name),
          maskPhone(p.recipient_phone),
          formatShanghai(p.received_at),
          describe(standing?.mode ?? null, standing?.consentAt ?? null),
          formatShanghai(p.consent_changed_at),
        ];
      }
      if (page.length < 1000) return;
      beforeId = Number(page[page.length - 1]?.id);
    }
  }
  const columns = ['小区', '快递单号', '快递公司', '收件人', '手机', '入库时间', '入库时的收件偏好', '偏好记录时间'].map((name) => ({ name, width: 18 }));
  return { fileTitle: '代收同意记录', sheetName: '代收同意记录', columns, rows: rows() };
}
