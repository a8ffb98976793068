import { z } from 'zod';
import { Id, MobilePhone } from '../../../shared/schemas.js';
import { FormatQuery } from '../spreadsheets/sheet-http.js';

/** 代收 (consent to hold at the desk), 送货上门, 其他 (a locker or one's own arrangement). */
export const PreferenceMode = z.enum(['collect', 'door', 'other']);
export type PreferenceModeT = z.infer<typeof PreferenceMode>;
/** Per carrier, by its name (checked and written as the carrier list spells it). */
export const CarrierModes = z.record(z.string().min(1).max(50), PreferenceMode).refine((m) => Object.keys(m).length <= 30, '最多30家快递公司');

export const PreferenceBody = z.strictObject({ communityId: Id, mode: PreferenceMode, carriers: CarrierModes.optional() });
export type PreferenceReq = z.infer<typeof PreferenceBody>;

export const PreferenceView = z.object({
  communityId: z.number(),
  communityName: z.string(),
  /** null: the resident has not chosen yet in this community. */
  mode: PreferenceMode.nullable(),
  carriers: z.record(z.string(), PreferenceMode),
  consentAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export const PreferenceList = z.object({ items: z.array(PreferenceView), total: z.number() });

/** The preference that counts for one parcel: the carrier's own choice, else the community's. */
export const EffectivePreference = z.object({ mode: PreferenceMode, consentAt: z.string().nullable() });
export type EffectivePreferenceT = z.infer<typeof EffectivePreference>;

export const CourierPreferenceQuery = z.strictObject({ communityId: Id, phone: MobilePhone });

export const PreferenceChange = z.object({
  at: z.string(),
  mode: PreferenceMode,
  carriers: z.record(z.string(), PreferenceMode),
  fromMode: PreferenceMode.nullable(),
  fromCarriers: z.record(z.string(), PreferenceMode).nullable(),
  /** Who changed it: `resident` (the resident in the app). */
  by: z.string(),
});
export const PreferenceHistory = z.object({ items: z.array(PreferenceChange), total: z.number() });

/** Held parcels received in a range of Shanghai days (both ends included, at most 400 days). */
export const ConsentExportQuery = z.strictObject({ from: z.iso.date(), to: z.iso.date(), communityId: Id.optional(), ...FormatQuery });

export const OpenPreferenceQuery = z.strictObject({
  phoneHash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'phoneHash 为64位十六进制 SHA-256')
    .transform((s) => s.toLowerCase()),
  communityId: Id.optional(),
});
export const OpenPreferenceList = z.object({
  items: z.array(z.object({ communityId: z.number(), mode: PreferenceMode, carriers: z.record(z.string(), PreferenceMode), consentAt: z.string().nullable() })),
  total: z.number(),
});
