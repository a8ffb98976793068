// 收件偏好记录 (SPEC §19): every change of a resident's preference, newest first, with what it
// was before: the record that the resident consented (or not) to the desk holding their parcels.
import { Modal, Table, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Page, PreferenceChange, PreferenceMode, Resident } from '../../../api-types.js';
import { useT, type T } from '../../../i18n.js';
import { PREFERENCE_EN, PREFERENCE_MODE_LABELS } from '../../../preferences.js';
import { formatShanghai } from '../../../../shared/time.js';
import { COMMON_EN, useLoad } from '../../common.js';

export const PREFERENCE_HISTORY_EN = {
  ...PREFERENCE_EN,
  收件偏好记录: 'Preference history',
  '{name}（{phone}）的收件偏好记录': 'Preference history of {name} ({phone})',
  时间: 'Time',
  由: 'By',
  '原偏好 → 新偏好': 'Before → after',
  住户本人: 'The resident',
  未选择: 'Not chosen',
  '{carrier}：{mode}': '{carrier}: {mode}',
  暂无记录: 'No changes yet',
} as const;

/** `送货上门；顺丰速运：代收`: the community's choice, then each carrier's own. */
function describe(mode: PreferenceMode | null, carriers: Record<string, PreferenceMode> | null, t: T): string {
  const parts = [mode ? t(PREFERENCE_MODE_LABELS[mode]) : t('未选择')];
  for (const [carrier, m] of Object.entries(carriers ?? {})) parts.push(t('{carrier}：{mode}', { carrier, mode: t(PREFERENCE_MODE_LABELS[m]) }));
  return parts.join('；');
}

function History({ resident, t }: { resident: Resident; t: T }): ReactNode {
  const { data, loading } = useLoad(() => api.get<Page<PreferenceChange>>(`/api/residents/${resident.id}/preference-history`), [resident.id]);
  const columns: TableColumnsType<PreferenceChange> = [
    { key: 'at', title: t('时间'), width: 150, render: (_, c) => formatShanghai(c.at) },
    { key: 'by', title: t('由'), width: 100, render: (_, c) => (c.by === 'resident' ? t('住户本人') : c.by) },
    {
      key: 'change',
      title: t('原偏好 → 新偏好'),
      render: (_, c) => `${describe(c.fromMode, c.fromCarriers, t)} → ${describe(c.mode, c.carriers, t)}`,
    },
  ];
  return (
    <Table<PreferenceChange>
      rowKey={(c) => `${c.at}-${c.mode}-${JSON.stringify(c.carriers)}`}
      size="small"
      columns={columns}
      dataSource={data?.items ?? []}
      loading={loading}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      locale={{ emptyText: t('暂无记录') }}
      data-testid="preference-history"
    />
  );
}

/** The history of one resident (`resident` null: closed). */
export function PreferenceHistoryModal({ resident, onClose }: { resident: Resident | null; onClose: () => void }): ReactNode {
  const t = useT(PREFERENCE_HISTORY_EN, COMMON_EN);
  return (
    <Modal
      title={resident ? t('{name}（{phone}）的收件偏好记录', { name: resident.name, phone: resident.phone }) : t('收件偏好记录')}
      open={resident !== null}
      onCancel={onClose}
      footer={null}
      width={720}
      destroyOnHidden
    >
      {resident && <History key={resident.id} resident={resident} t={t} />}
    </Modal>
  );
}
