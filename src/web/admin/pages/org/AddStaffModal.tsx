import { Form, Input, Radio, Select } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Community, Staff } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { clerkCommunityRules, passwordRules, STAFF_FORM_EN, usernameRules } from './staffForm.js';

export const ADD_STAFF_EN = {
  添加人员: 'Add staff',
  '已添加{name}': '{name} added',
} as const;

interface Values {
  username: string;
  password: string;
  role: 'admin' | 'clerk';
  communityIds?: number[];
}

/** 添加人员: an admin, or a clerk with the communities the clerk serves. */
export function AddStaffModal(props: { open: boolean; communities: Community[]; onCancel: () => void; onAdded: (s: Staff) => void; onClosed: () => void }): ReactNode {
  const t = useT(ADD_STAFF_EN, STAFF_FORM_EN, COMMON_EN);
  const [form] = Form.useForm<Values>();
  const role = Form.useWatch('role', form);
  const { ok } = useFeedback();

  const save = async (values: Values) => {
    const body = { username: values.username.trim(), password: values.password, role: values.role, ...(values.role === 'clerk' ? { communityIds: values.communityIds ?? [] } : {}) };
    const added = await api.post<Staff>('/api/staff', body);
    ok(t('已添加{name}', { name: added.username }));
    props.onAdded(added);
  };

  return (
    <FormModal title={t('添加人员')} open={props.open} form={form} initialValues={{ role: 'clerk' }} onSubmit={save} onCancel={props.onCancel} onClosed={props.onClosed}>
      <Form.Item label={t('用户名')} name="username" rules={usernameRules(t)}>
        <Input autoComplete="off" maxLength={64} autoFocus />
      </Form.Item>
      <Form.Item label={t('密码')} name="password" rules={passwordRules(t)}>
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
      <Form.Item label={t('角色')} name="role">
        <Radio.Group
          optionType="button"
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
        <Form.Item
          label={t('负责小区')}
          name="communityIds"
          rules={clerkCommunityRules(t)}
          extra={props.communities.length === 0 ? t('还没有小区，请先在代收设置中添加') : t('前台只能看到所选小区的快递、快递员和住户')}
        >
          <Select mode="multiple" allowClear optionFilterProp="label" options={props.communities.map((c) => ({ label: c.name, value: c.id }))} />
        </Form.Item>
      )}
    </FormModal>
  );
}
