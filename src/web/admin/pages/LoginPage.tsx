import { Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.js';
import { setLang, useLang, useT } from '../../i18n.js';
import { useFeedback } from '../common.js';

const EN = {
  '快递代收 · 物业管理后台': 'Parcel collection · Property console',
  用户名: 'Username',
  密码: 'Password',
  登录: 'Sign in',
  请输入用户名: 'Enter the username',
  请输入密码: 'Enter the password',
};

/** Staff sign-in; afterwards back to the page that was asked for (`?next=`), else 数据看板. */
export default function LoginPage(): ReactNode {
  const t = useT(EN);
  const lang = useLang();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [busy, setBusy] = useState(false);
  const { fail } = useFeedback();
  const next = params.get('next');
  // Only a path inside the console: never an address elsewhere.
  const target = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/dashboard';

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    try {
      await api.post('/api/auth/staff/login', values);
      navigate(target, { replace: true });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f5f5f5' }}>
      <Card style={{ width: 360 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', marginBottom: 24 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('快递代收 · 物业管理后台')}
          </Typography.Title>
        </div>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={t('用户名')} name="username" rules={[{ required: true, message: t('请输入用户名') }]}>
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item label={t('密码')} name="password" rules={[{ required: true, message: t('请输入密码') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('登录')}
          </Button>
        </Form>
        <Segmented
          style={{ marginTop: 16 }}
          size="small"
          value={lang}
          onChange={(v) => setLang(v as 'zh' | 'en')}
          options={[
            { label: '中文', value: 'zh' },
            { label: 'EN', value: 'en' },
          ]}
        />
      </Card>
    </div>
  );
}
