// 交寄: the paid order handed to a courier: the courier's tracking number, the courier (their
// carrier then) or else the carrier, by default the one the sender asked for.
import { Form, Input, Select, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Courier, Page, Shipment } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { CARRIERS } from '../../../../shared/carriers.js';
import { TRACKING_NO_PATTERN } from '../../../../shared/constants.js';
import { COMMON_EN, useFeedback, useLoad } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { EN } from '../services/en.js';

interface Values {
  trackingNo: string;
  courierId?: number;
  carrier?: string;
}

export function HandoverModal(props: { shipment: Shipment; open: boolean; onCancel: () => void; onDone: () => void; onClosed: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const [form] = Form.useForm<Values>();
  const { ok } = useFeedback();
  const s = props.shipment;
  const { data } = useLoad(() => api.get<Page<Courier>>('/api/couriers', { communityId: s.communityId, pageSize: 200 }), [s.communityId]);
  const couriers = data?.items ?? [];
  const courierId = Form.useWatch('courierId', form);
  const courier = couriers.find((c) => c.id === courierId);

  const save = async (v: Values) => {
    await api.post<Shipment>(`/api/shipments/${s.id}/handover`, {
      trackingNo: v.trackingNo.trim().toUpperCase(),
      ...(v.courierId ? { courierId: v.courierId } : v.carrier ? { carrier: v.carrier } : {}),
    });
    ok(t('已交寄'));
    props.onDone();
  };

  return (
    <FormModal
      title={t('交寄')}
      open={props.open}
      form={form}
      initialValues={{ carrier: s.carrier ?? undefined }}
      intro={
        <Typography.Paragraph type="secondary">
          {s.item} → {s.receiver.name} {s.receiver.address}
          {s.carrier && (
            <>
              <br />
              {t('住户希望：{carrier}', { carrier: s.carrier })}
            </>
          )}
        </Typography.Paragraph>
      }
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item
        label={t('运单号')}
        name="trackingNo"
        validateFirst
        normalize={(v: string) => v.toUpperCase()}
        extra={t('交寄后短信通知寄件人运单号。')}
        rules={[
          { required: true, whitespace: true, message: t('请输入运单号') },
          {
            validator: async (_rule, v: string | undefined) => {
              if (!TRACKING_NO_PATTERN.test((v ?? '').trim())) throw new Error(t('运单号为3到40位字母、数字或 -'));
            },
          },
        ]}
      >
        <Input autoFocus autoComplete="off" maxLength={40} />
      </Form.Item>
      <Form.Item label={t('快递员（选填）')} name="courierId">
        <Select
          allowClear
          aria-label={t('快递员（选填）')}
          showSearch={{ optionFilterProp: 'label' }}
          options={couriers.map((c) => ({ value: c.id, label: `${c.name} · ${c.carrier}` }))}
        />
      </Form.Item>
      {courier ? (
        <Form.Item label={t('快递公司')}>
          <Input value={courier.carrier} disabled />
        </Form.Item>
      ) : (
        <Form.Item label={t('快递公司')} name="carrier" rules={[{ required: true, message: t('未选快递员时须选择快递公司') }]}>
          <Select aria-label={t('快递公司')} showSearch={{ optionFilterProp: 'label' }} options={CARRIERS.map((c) => ({ value: c.name, label: c.name }))} />
        </Form.Item>
      )}
    </FormModal>
  );
}
