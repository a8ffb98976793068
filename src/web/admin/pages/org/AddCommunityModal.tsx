import { Form, Input } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Community } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { yuanToFen } from './fee.js';
import { FeeField } from './FeeField.js';
import { FEE_MODAL_EN } from './FeeSettingsModal.js';

export const ADD_COMMUNITY_EN = {
  添加小区: 'Add a community',
  小区名称: 'Community name',
  请输入小区名称: 'Enter the community’s name',
  '不填则为「小区名称管理处」': 'Leave empty for “<community> office”',
  '已添加小区{name}': 'Community {name} added',
} as const;

interface Values {
  name: string;
  collectionPointName?: string;
  fee: string;
}

/** + 添加小区: a community with its collection point (by default 「name」管理处) and fee. */
export function AddCommunityModal(props: { open: boolean; onCancel: () => void; onAdded: (c: Community) => void; onClosed: () => void }): ReactNode {
  const t = useT(ADD_COMMUNITY_EN, FEE_MODAL_EN, COMMON_EN);
  const [form] = Form.useForm<Values>();
  const { ok } = useFeedback();

  const save = async (values: Values) => {
    const feeRateFen = yuanToFen(values.fee);
    if (feeRateFen === null) return; // the field's rule already says why
    const point = values.collectionPointName?.trim();
    const added = await api.post<Community>('/api/communities', { name: values.name.trim(), ...(point ? { collectionPointName: point } : {}), feeRateFen });
    ok(t('已添加小区{name}', { name: added.name }));
    props.onAdded(added);
  };

  return (
    <FormModal
      title={t('添加小区')}
      open={props.open}
      form={form}
      initialValues={{ fee: '0' }}
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item label={t('小区名称')} name="name" rules={[{ required: true, whitespace: true, message: t('请输入小区名称') }, { max: 50 }]}>
        <Input maxLength={50} autoFocus />
      </Form.Item>
      <Form.Item label={t('代收点')} name="collectionPointName" rules={[{ max: 50 }]}>
        <Input maxLength={50} placeholder={t('不填则为「小区名称管理处」')} />
      </Form.Item>
      <FeeField />
    </FormModal>
  );
}
