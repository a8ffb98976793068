import { setLang, useLang } from '../i18n.js';

/** 中文 / EN: one tap switches the language (remembered on this device). */
export function LangSwitch() {
  const lang = useLang();
  return (
    <button type="button" className="kd-nav-action" onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}>
      {lang === 'en' ? '中文' : 'EN'}
    </button>
  );
}
