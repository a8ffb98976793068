import { Form, Input, InputNumber, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Community } from '../../../api-types.js';
import { useLang, useT } from '../../../i18n.js';
import { yuan } from '../../../../shared/fee.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { DoorDeliveryFields, normalizeHours } from './DoorDeliveryFields.js';
import { yuanToFen } from './fee.js';
import { FeeField } from './FeeField.js';
import { FeeHelp } from './FeeHelp.js';

export const FEE_MODAL_EN = {
  代收信息设置: 'Collection point settings',
  代收点: 'Collection point',
  请输入代收点名称: 'Enter the collection point’s name',
  代收信息已保存: 'Collection settings saved',
  滞留退回: 'Return after',
  天: 'days',
  '超过这些天未领取为滞留：提醒住户，次日通知快递员取回；0 为不退回':
    'Waiting longer is stale: the resident is told, the next day the courier is asked to take it back; 0: never',
  请输入0到365之间的整数: 'A whole number from 0 to 365',
} as const;

interface Values {
  collectionPointName: string;
  fee: string;
  returnAfterDays: number;
  doorDelivery: string;
  doorDeliveryHours?: string;
}

/**
 * 代收信息设置 of one community: the collection point's name, the fee in 元/天, 滞留退回, and
 * 送货上门 (its price per parcel and hours). Mounted per
 * community (so the form starts from its values); `open` false plays the closing animation,
 * then `onClosed` unmounts it.
 */
export function FeeSettingsModal(props: {
  community: Community;
  open: boolean;
  onCancel: () => void;
  onSaved: (c: Community) => void;
  onClosed: () => void;
}): ReactNode {
  const { community } = props;
  const t = useT(FEE_MODAL_EN, COMMON_EN);
  // 送货上门单价 is the longest label: a column wider than the other dialogs'.
  const labelWidth = useLang() === 'en' ? 150 : 100;
  const [form] = Form.useForm<Values>();
  const { ok } = useFeedback();

  const save = async (values: Values) => {
    const feeRateFen = yuanToFen(values.fee);
    const doorDeliveryFen = yuanToFen(values.doorDelivery);
    if (feeRateFen === null || doorDeliveryFen === null) return; // the fields' rules already say why
    const saved = await api.patch<Community>(`/api/communities/${community.id}`, {
      collectionPointName: values.collectionPointName.trim(),
      feeRateFen,
      returnAfterDays: values.returnAfterDays,
      doorDeliveryFen,
      doorDeliveryHours: normalizeHours(values.doorDeliveryHours),
    });
    ok(t('代收信息已保存'));
    props.onSaved(saved);
  };

  return (
    <FormModal
      title={t('代收信息设置')}
      open={props.open}
      form={form}
      intro={<Typography.Paragraph type="secondary">{community.name}</Typography.Paragraph>}
      labelWidth={labelWidth}
      initialValues={{
        collectionPointName: community.collectionPointName,
        fee: yuan(community.feeRateFen),
        returnAfterDays: community.returnAfterDays,
        doorDelivery: yuan(community.doorDeliveryFen),
        doorDeliveryHours: community.doorDeliveryHours,
      }}
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item label={t('代收点')} name="collectionPointName" rules={[{ required: true, whitespace: true, message: t('请输入代收点名称') }, { max: 50 }]}>
        <Input maxLength={50} />
      </Form.Item>
      <FeeField />
      <div style={{ paddingLeft: labelWidth }}>
        <FeeHelp />
      </div>
      <Form.Item
        label={t('滞留退回')}
        name="returnAfterDays"
        extra={t('超过这些天未领取为滞留：提醒住户，次日通知快递员取回；0 为不退回')}
        rules={[{ required: true, type: 'integer', min: 0, max: 365, message: t('请输入0到365之间的整数') }]}
      >
        <InputNumber min={0} max={365} precision={0} addonAfter={t('天')} style={{ width: 160 }} />
      </Form.Item>
      <DoorDeliveryFields />
    </FormModal>
  );
}
