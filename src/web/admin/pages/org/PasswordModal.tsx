import { Form, Input, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Staff } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal, useLabelWidth } from '../../FormModal.js';
import { passwordRules, repeatPasswordRules, STAFF_FORM_EN } from './staffForm.js';

export const PASSWORD_EN = {
  '修改密码：{name}': 'Change password: {name}',
  确认新密码: 'Confirm password',
  两次输入的密码不一致: 'The two passwords differ',
  密码已修改: 'Password changed',
  '修改后，该人员已登录的设备会退出，需要用新密码重新登录。': 'Afterwards this person is signed out everywhere and signs in with the new password.',
} as const;

interface Values {
  password: string;
  repeat: string;
}

/** 修改密码 of a staff member; the server ends the member's sessions, so they sign in again. */
export function PasswordModal(props: { staff: Staff; open: boolean; onCancel: () => void; onSaved: () => void; onClosed: () => void }): ReactNode {
  const t = useT(PASSWORD_EN, STAFF_FORM_EN, COMMON_EN);
  const labelWidth = useLabelWidth() + 20; // 确认新密码 / Confirm password is the longest label
  const [form] = Form.useForm<Values>();
  const { ok } = useFeedback();

  const save = async (values: Values) => {
    await api.patch<Staff>(`/api/staff/${props.staff.id}`, { password: values.password });
    ok(t('密码已修改'));
    props.onSaved();
  };

  return (
    <FormModal
      title={t('修改密码：{name}', { name: props.staff.username })}
      open={props.open}
      form={form}
      labelWidth={labelWidth}
      intro={<Typography.Paragraph type="secondary">{t('修改后，该人员已登录的设备会退出，需要用新密码重新登录。')}</Typography.Paragraph>}
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item label={t('新密码')} name="password" rules={passwordRules(t)}>
        <Input.Password autoComplete="new-password" maxLength={128} autoFocus />
      </Form.Item>
      <Form.Item label={t('确认新密码')} name="repeat" dependencies={['password']} rules={repeatPasswordRules(t, 'password')}>
        <Input.Password autoComplete="new-password" maxLength={128} />
      </Form.Item>
    </FormModal>
  );
}
