import { Form, Select, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { DoorDelivery, Page, Staff } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback, useLoad } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { useSession } from '../../session.js';
import { EN } from '../services/en.js';

interface Runner {
  id: number;
  username: string;
}

/**
 * Who may run a request: for an admin, the org's staff who may see its community (admins, and
 * clerks of that community), not disabled; a clerk, who cannot list staff, offers themselves.
 */
function useRunners(communityId: number): Runner[] {
  const { me, isAdmin } = useSession();
  const { data } = useLoad(() => (isAdmin ? api.get<Page<Staff>>('/api/staff') : Promise.resolve(null)), [isAdmin]);
  if (!isAdmin) return [{ id: me.staff.id, username: me.staff.username }];
  return (data?.items ?? []).filter((s) => !s.disabled && (s.role === 'admin' || s.communityIds.includes(communityId)));
}

/** 派送: the request to a runner (the signed-in staff member first). */
export function DispatchModal(props: { delivery: DoorDelivery; open: boolean; onCancel: () => void; onDone: () => void; onClosed: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { me } = useSession();
  const [form] = Form.useForm<{ staffId: number }>();
  const { ok } = useFeedback();
  const runners = useRunners(props.delivery.communityId);
  const d = props.delivery;

  const save = async ({ staffId }: { staffId: number }) => {
    const after = await api.post<DoorDelivery>(`/api/deliveries/${d.id}/dispatch`, { staffId });
    ok(t('已派送给 {name}', { name: after.runner?.name ?? '' }));
    props.onDone();
  };

  return (
    <FormModal
      title={t('派送送货上门')}
      open={props.open}
      form={form}
      initialValues={{ staffId: me.staff.id }}
      intro={
        <Typography.Paragraph type="secondary">
          {d.communityName} {d.parcels[0]?.address ?? ''} · {t('共 {n} 件', { n: d.parcels.length })}
        </Typography.Paragraph>
      }
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item
        label={t('送货人')}
        name="staffId"
        rules={[{ required: true, message: t('请选择送货人') }]}
        extra={t('送货人须能负责该小区（管理员或负责该小区的前台）。')}
      >
        <Select
          aria-label={t('送货人')}
          showSearch={{ optionFilterProp: 'label' }}
          options={runners.map((r) => ({ value: r.id, label: r.id === me.staff.id ? `${r.username}（${t('我')}）` : r.username }))}
        />
      </Form.Item>
    </FormModal>
  );
}
