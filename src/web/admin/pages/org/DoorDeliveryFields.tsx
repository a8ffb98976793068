// 送货上门 of a community form (SPEC §16): the price per parcel in 元 (0: not offered) and the
// hours it is brought (`18:00-21:00`, empty for any time). The checks mirror the server's.
import { Form, Input, InputNumber } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../../i18n.js';
import { yuanToFen } from './fee.js';

export const DOOR_DELIVERY_EN = {
  送货上门单价: 'Door delivery',
  '元/件': 'yuan/parcel',
  '0为不开通；住户申请送货上门时按件在线支付': '0: not offered. Residents pay online per parcel when they ask for it',
  请输入送货上门单价: 'Enter the price per parcel',
  '单价须是0到100之间的数字，最多两位小数': 'A price from 0 to 100 with at most two decimals',
  送货时段: 'Delivery hours',
  '如 18:00-21:00，留空为不限': 'e.g. 18:00-21:00; empty for any time',
  '送货时段格式如 18:00-21:00': 'Hours look like 18:00-21:00',
  送货时段的结束须晚于开始: 'The hours must end after they start',
  未开通: 'Not offered',
  '{price}/件': '{price}/parcel',
} as const;

const HOURS = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

/** The typed hours as the API takes them: spaces and a full-width dash or colon tolerated. */
export function normalizeHours(typed: string | undefined): string {
  return (typed ?? '')
    .replace(/\s+/g, '')
    .replace(/[－—–~～至]/g, '-')
    .replace(/：/g, ':');
}

/** The fields `doorDelivery` (元/件) and `doorDeliveryHours`; the form's save turns the price into fen. */
export function DoorDeliveryFields(): ReactNode {
  const t = useT(DOOR_DELIVERY_EN);
  return (
    <>
      <Form.Item
        label={t('送货上门单价')}
        name="doorDelivery"
        extra={t('0为不开通；住户申请送货上门时按件在线支付')}
        validateFirst
        rules={[
          { required: true, message: t('请输入送货上门单价') },
          {
            validator: async (_rule, value: string | number | null | undefined) => {
              if (String(value ?? '').trim() !== '' && yuanToFen(value) === null) throw new Error(t('单价须是0到100之间的数字，最多两位小数'));
            },
          },
        ]}
      >
        <InputNumber<string> stringMode controls={false} suffix={t('元/件')} style={{ width: 180 }} inputMode="decimal" />
      </Form.Item>
      <Form.Item
        label={t('送货时段')}
        name="doorDeliveryHours"
        rules={[
          {
            validator: async (_rule, value: string | undefined) => {
              const hours = normalizeHours(value);
              if (hours === '') return;
              if (!HOURS.test(hours)) throw new Error(t('送货时段格式如 18:00-21:00'));
              if (hours.slice(0, 5) >= hours.slice(6)) throw new Error(t('送货时段的结束须晚于开始'));
            },
          },
        ]}
      >
        <Input placeholder={t('如 18:00-21:00，留空为不限')} maxLength={20} style={{ width: 220 }} />
      </Form.Item>
    </>
  );
}
