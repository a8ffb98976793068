import { Form, Radio, Select } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Community, Staff } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { clerkCommunityRules, STAFF_FORM_EN } from './staffForm.js';

export const EDIT_STAFF_EN = {
  '修改人员：{name}': 'Edit staff: {name}',
  已保存: 'Saved',
  不能取消自己的管理员权限: 'You cannot remove your own admin rights',
} as const;

interface Values {
  role: 'admin' | 'clerk';
  communityIds?: number[];
}

/** 修改 a staff member: the role and, for a clerk, the communities assigned. */
export function EditStaffModal(props: { staff: Staff; isSelf: boolean; open: boolean; communities: Community[]; onCancel: () => void; onSaved: () => void; onClosed: () => void }): ReactNode {
  const { staff } = props;
  const t = useT(EDIT_STAFF_EN, STAFF_FORM_EN, COMMON_EN);
  const [form] = Form.useForm<Values>();
  const role = Form.useWatch('role', form);
  const { ok } = useFeedback();

  const save = async (values: Values) => {
    await api.patch<Staff>(`/api/staff/${staff.id}`, { role: values.role, ...(values.role === 'clerk' ? { communityIds: values.communityIds ?? [] } : {}) });
    ok(t('已保存'));
    props.onSaved();
  };

  return (
    <FormModal
      title={t('修改人员：{name}', { name: staff.username })}
      open={props.open}
      form={form}
      initialValues={{ role: staff.role, communityIds: staff.communityIds }}
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item label={t('角色')} name="role" extra={props.isSelf ? t('不能取消自己的管理员权限') : undefined}>
        <Radio.Group
          optionType="button"
          disabled={props.isSelf}
          options={[
            { label: t('前台'), value: 'clerk' },
            { label: t('管理员'), value: 'admin' },
          ]}
        />
      </Form.Item>
      {role === 'admin' ? (
        <Form.Item label={t('负责小区')}>
          <span>{t('管理员可以管理全部小区')}</span>
        </Form.Item>
      ) : (
        <Form.Item label={t('负责小区')} name="communityIds" rules={clerkCommunityRules(t)} extra={t('前台只能看到所选小区的快递、快递员和住户')}>
          <Select mode="multiple" allowClear optionFilterProp="label" options={props.communities.map((c) => ({ label: c.name, value: c.id }))} />
        </Form.Item>
      )}
    </FormModal>
  );
}
