import { useLang } from '../../../i18n.js';

/**
 * The label column of the org screens' dialog forms: the Chinese labels fit in 80 px, the
 * English ones ("Collection point") need more.
 */
export function useLabelWidth(): number {
  return useLang() === 'en' ? 130 : 80;
}
