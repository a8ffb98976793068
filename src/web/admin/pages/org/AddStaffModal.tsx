import { Form, Input } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Community, Staff } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { RoleFields } from './RoleFields.js';
import { passwordRules, STAFF_FORM_EN, usernameRules } from './staffForm.js';

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
export function AddStaffModal(props: {
  open: boolean;
  communities: Community[];
  onCancel: () => void;
  onAdded: (s: Staff) => void;
  onClosed: () => void;
}): ReactNode {
  const t = useT(ADD_STAFF_EN, STAFF_FORM_EN, COMMON_EN);
  const [form] = Form.useForm<Values>();
  const role = Form.useWatch('role', form);
  const { ok } = useFeedback();

  const save = async (values: Values) => {
    const body = {
      username: values.username.trim(),
      password: values.password,
      role: values.role,
      ...(values.role === 'clerk' ? { communityIds: values.communityIds ?? [] } : {}),
    };
    const added = await api.post<Staff>('/api/staff', body);
    ok(t('已添加{name}', { name: added.username }));
    props.onAdded(added);
  };

  return (
    <FormModal
      title={t('添加人员')}
      open={props.open}
      form={form}
      initialValues={{ role: 'clerk' }}
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item label={t('用户名')} name="username" rules={usernameRules(t)}>
        <Input autoComplete="off" maxLength={64} autoFocus />
      </Form.Item>
      <Form.Item label={t('密码')} name="password" rules={passwordRules(t)}>
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
      <RoleFields t={t} role={role} communities={props.communities} />
    </FormModal>
  );
}
