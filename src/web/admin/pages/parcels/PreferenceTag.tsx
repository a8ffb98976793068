// 收件偏好 (SPEC §19) on the desk's screens: a resident who did not consent to the desk holding
// their parcels (送货上门, or another way) is marked where the parcel shows.
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import type { ParcelPreference } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { refusesCollect } from '../../../preferences.js';

export const PREFERENCE_TAG_EN = {
  要求送货上门: 'Wants door delivery',
  其他方式: 'Other arrangement',
  住户要求送货上门: 'Resident wants door delivery',
  住户选择其他方式: 'Resident chose another way',
} as const;

/**
 * 要求送货上门 (red) or 其他方式 (orange); nothing for 代收 or no preference. `desk`: the intake
 * screen's wording (住户要求送货上门 / 住户选择其他方式).
 */
export function PreferenceTag({ preference, t, desk = false }: { preference: ParcelPreference | null | undefined; t: T; desk?: boolean }): ReactNode {
  if (!preference || !refusesCollect(preference.mode)) return null;
  const door = preference.mode === 'door';
  const text = desk ? (door ? '住户要求送货上门' : '住户选择其他方式') : door ? '要求送货上门' : '其他方式';
  return (
    <Tag color={door ? 'red' : 'orange'} data-testid="preference-tag" data-mode={preference.mode} style={{ marginInlineEnd: 0 }}>
      {t(text)}
    </Tag>
  );
}
