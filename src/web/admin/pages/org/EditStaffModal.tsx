import { Form } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Community, Staff } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { RoleFields } from './RoleFields.js';
import { STAFF_FORM_EN } from './staffForm.js';

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
export function EditStaffModal(props: {
  staff: Staff;
  isSelf: boolean;
  open: boolean;
  communities: Community[];
  onCancel: () => void;
  onSaved: () => void;
  onClosed: () => void;
}): ReactNode {
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
      <RoleFields t={t} role={role} communities={props.communities} isSelf={props.isSelf} />
    </FormModal>
  );
}
