// 收件偏好 (SPEC §19) in words, for all three apps: the names of the three modes and their English.
import type { PreferenceMode } from './api-types.js';

export const PREFERENCE_MODES: readonly PreferenceMode[] = ['collect', 'door', 'other'];

/** Whether a control's value (a radio's, a dialog action's key) is one of the modes. */
export function isPreferenceMode(v: unknown): v is PreferenceMode {
  return PREFERENCE_MODES.some((m) => m === v);
}

/** collect=代收, door=送货上门, other=其他方式: the names every screen uses. */
export const PREFERENCE_MODE_LABELS: Record<PreferenceMode, string> = { collect: '代收', door: '送货上门', other: '其他方式' };

export const PREFERENCE_EN = {
  代收: 'Hold at the desk',
  送货上门: 'Door delivery',
  其他方式: 'Other arrangement',
  收件偏好: 'Delivery preference',
} as const;

/** A resident who did not consent to the desk holding their parcels (door or other). */
export function refusesCollect(mode: PreferenceMode | null | undefined): mode is 'door' | 'other' {
  return mode === 'door' || mode === 'other';
}
