import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useFeedback } from '../common.js';
import { useSession } from '../session.js';
import { PASSWORD_EN } from './org/PasswordModal.js';
import { passwordRules, repeatPasswordRules, STAFF_FORM_EN } from './org/staffForm.js';

const EN = {
  修改初始密码: 'Change the initial password',
  当前密码: 'Current password',
  请输入当前密码: 'Enter the current password',
  '该密码由他人设置，请先设置只有您知道的新密码。': 'Someone else chose this password: set one that only you know first.',
  '修改后，您在其他设备上的登录会退出。': 'Afterwards you are signed out on your other devices.',
  保存: 'Save',
} as const;

interface Values {
  currentPassword: string;
  newPassword: string;
  repeat: string;
}

/**
 * 修改密码: one's own password. Shown instead of every screen while the password must be changed
 * (`forced`: demo data in production), and from the top bar otherwise.
 */
export default function ChangePasswordPage({ forced = false }: { forced?: boolean }): ReactNode {
  const t = useT(EN, PASSWORD_EN, STAFF_FORM_EN, COMMON_EN);
  const { reload, logout } = useSession();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const { ok, fail } = useFeedback();

  const submit = async (values: Values) => {
    setBusy(true);
    try {
      await api.post('/api/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
      ok(t('密码已修改'));
      form.resetFields();
      await reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const card = (
    <Card style={{ width: 400 }} title={t(forced ? '修改初始密码' : '修改密码')}>
      {forced && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('该密码由他人设置，请先设置只有您知道的新密码。')} />}
      <Typography.Paragraph type="secondary">{t('修改后，您在其他设备上的登录会退出。')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t('当前密码')} name="currentPassword" rules={[{ required: true, message: t('请输入当前密码') }]}>
          <Input.Password autoComplete="current-password" autoFocus maxLength={256} />
        </Form.Item>
        <Form.Item label={t('新密码')} name="newPassword" rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Form.Item label={t('确认新密码')} name="repeat" dependencies={['newPassword']} rules={repeatPasswordRules(t, 'newPassword')}>
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('保存')}
        </Button>
        {forced && (
          <Button type="link" block style={{ marginTop: 8 }} onClick={() => void logout()}>
            {t('退出')}
          </Button>
        )}
      </Form>
    </Card>
  );
  if (!forced) return card;
  return <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f5f5f5' }}>{card}</div>;
}
