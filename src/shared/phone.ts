import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A mainland China mobile number as 11 national digits, or null when the text is not one.
 * Accepts spaces, dashes, full-width digits and a +86 / 0086 prefix.
 */
export function normalizeMobile(input: string): string | null {
  const ascii = input
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/\uFF0B/g, '+')
    .replace(/[\s\-()\u3000]/g, '')
    .replace(/^0086/, '+86');
  if (!/^\+?\d{6,16}$/.test(ascii)) return null;
  const parsed = parsePhoneNumberFromString(ascii, 'CN');
  if (!parsed || parsed.country !== 'CN' || !parsed.isValid() || parsed.getType() !== 'MOBILE') return null;
  return parsed.nationalNumber;
}

/** `*******1234`: what others may see of a phone, its last 4 digits. */
export function maskPhone(phone: string): string {
  return phone.length <= 4 ? '*'.repeat(phone.length) : '*'.repeat(phone.length - 4) + phone.slice(-4);
}

/** `李**`: what a resident sees of a courier's name (the first character). */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
