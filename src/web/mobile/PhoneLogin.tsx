// Sign-in with phone + SMS code, shared by the courier and resident apps. A courier's first
// sign-in also asks for the name the front desk entered (the API answers `name_required`).
import { Button, Form, Input, Toast, type InputRef } from 'antd-mobile';
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { MOBILE_SHAPE } from '../../shared/constants.js';
import { ApiError, api, errorMessage } from '../api.js';
import { useT } from '../i18n.js';
import { LangSwitch, PhoneInput } from './controls.js';
import { MOBILE_EN } from './format.js';

const RESEND_SECONDS = 60;

interface Props {
  purpose: 'courier' | 'resident';
  title: string;
  subtitle: string;
  onSignedIn: () => void;
}

/** The sign-in screen: 手机号, 验证码 with 获取验证码, and 姓名 when the API asks for it. */
export function PhoneLogin({ purpose, title, subtitle, onSignedIn }: Props) {
  const t = useT(MOBILE_EN);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [needName, setNeedName] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [wait, setWait] = useState(0);
  const nameRef = useRef<InputRef>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  useEffect(() => {
    if (needName) nameRef.current?.focus();
  }, [needName]);

  const phoneOk = MOBILE_SHAPE.test(phone);

  async function sendCode() {
    if (!phoneOk) return setError(t('请输入11位手机号'));
    setError('');
    try {
      await api.post('/api/auth/otp', { phone, purpose });
      setWait(RESEND_SECONDS);
      Toast.show({ content: t('验证码已发送') });
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function signIn() {
    if (!phoneOk) return setError(t('请输入11位手机号'));
    if (!/^\d{6}$/.test(code)) return setError(t('请输入6位验证码'));
    setBusy(true);
    setError('');
    try {
      const body = purpose === 'courier' && needName ? { phone, code, name: name.trim() } : { phone, code };
      await api.post(`/api/auth/${purpose}/login`, body);
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'name_required') setNeedName(true);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="kd-login">
      <div style={{ textAlign: 'right' }}>
        <LangSwitch />
      </div>
      <h1>{title}</h1>
      <p className="kd-muted">{subtitle}</p>
      <Form layout="horizontal" mode="card" onFinish={signIn} style={{ '--prefix-width': '4.5em' } as CSSProperties}>
        <Form.Item label={t('手机号')}>
          <PhoneInput label={t('手机号')} placeholder={t('请输入手机号')} value={phone} onChange={setPhone} autoComplete="tel" />
        </Form.Item>
        <Form.Item
          label={t('验证码')}
          extra={
            <Button size="small" color="primary" fill="none" className="kd-tap" disabled={wait > 0} onClick={sendCode}>
              {wait > 0 ? t('{s}秒后重发', { s: wait }) : t('获取验证码')}
            </Button>
          }
        >
          <Input
            aria-label={t('验证码')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            placeholder={t('请输入验证码')}
            value={code}
            onChange={(v) => setCode(v.replace(/\D/g, ''))}
            onEnterPress={signIn}
          />
        </Form.Item>
        {needName && (
          <Form.Item label={t('姓名')}>
            <Input
              ref={nameRef}
              aria-label={t('姓名')}
              autoComplete="name"
              maxLength={50}
              placeholder={t('首次登录请填写物业登记的姓名')}
              value={name}
              onChange={setName}
              onEnterPress={signIn}
            />
          </Form.Item>
        )}
      </Form>
      {error && (
        <div className="kd-error" role="alert">
          {error}
        </div>
      )}
      <div style={{ margin: '24px 4px' }}>
        <Button block color="primary" size="large" loading={busy} onClick={signIn}>
          {t('登录')}
        </Button>
      </div>
    </div>
  );
}
