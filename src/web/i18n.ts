// Chinese first, English second. Screens write their labels in Chinese, exactly as the guide
// gives them; each screen brings the English for its own labels. `t` falls back to the Chinese.
import { useSyncExternalStore } from 'react';

export type Lang = 'zh' | 'en';
export type EnglishOf = Readonly<Record<string, string>>;

const STORAGE_KEY = 'kd.lang';
const listeners = new Set<() => void>();
let lang: Lang = readStored();

function readStored(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** The language now in use (also sent to the API as Accept-Language). */
export function currentLang(): Lang {
  return lang;
}

/** Switches the language everywhere and remembers it on this device. */
export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next === 'en' ? 'en' : 'zh-CN';
  for (const l of listeners) l();
}

/** Replaces `{name}` in a text with the value of `vars.name`. */
export function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

/** The language, re-rendering the component when it changes. */
export function useLang(): Lang {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => lang,
  );
}

export type T = (zh: string, vars?: Record<string, string | number>) => string;

/** A Chinese label in a language: itself, or its English from the dictionaries (outside components too). */
export function translate(l: Lang, zh: string, dictionaries: readonly EnglishOf[], vars?: Record<string, string | number>): string {
  if (l === 'en') for (const d of dictionaries) if (zh in d) return fill(d[zh] as string, vars);
  return fill(zh, vars);
}

/** `t('快递记录')`: the Chinese label, or its English from the given dictionaries. */
export function useT(...dictionaries: EnglishOf[]): T {
  const l = useLang();
  return (zh, vars) => translate(l, zh, dictionaries, vars);
}
