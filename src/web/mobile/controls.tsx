// Small controls both phone apps use.
import { Input, type InputRef } from 'antd-mobile';
import type { Ref } from 'react';
import { setLang, useLang, useT } from '../i18n.js';
import { MOBILE_EN } from './format.js';

/** 中文 / EN: one tap switches the language (remembered on this device). */
export function LangSwitch() {
  const lang = useLang();
  return (
    <button type="button" className="kd-nav-action" onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}>
      {lang === 'en' ? '中文' : 'EN'}
    </button>
  );
}

/** The nav bar's right side once signed in: the language and 退出. */
export function NavActions({ onSignOut }: { onSignOut: () => void }) {
  const t = useT(MOBILE_EN);
  return (
    <span>
      <LangSwitch />
      <button type="button" className="kd-nav-action" onClick={onSignOut}>
        {t('退出')}
      </button>
    </span>
  );
}

interface PhoneInputProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (digits: string) => void;
  onEnterPress?: () => void;
  autoComplete?: string;
  inputRef?: Ref<InputRef>;
}

/** A mobile number field: the phone's digit keyboard, 11 digits, anything else dropped as typed. */
export function PhoneInput({ label, placeholder, value, onChange, onEnterPress, autoComplete = 'off', inputRef }: PhoneInputProps) {
  return (
    <Input
      ref={inputRef}
      aria-label={label}
      type="tel"
      inputMode="numeric"
      autoComplete={autoComplete}
      maxLength={11}
      placeholder={placeholder}
      value={value}
      onChange={(v) => onChange(v.replace(/\D/g, ''))}
      onEnterPress={onEnterPress}
      clearable
    />
  );
}
