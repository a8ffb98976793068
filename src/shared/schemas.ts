import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_FEE_RATE_FEN, MAX_PAGE_SIZE, TRACKING_NO_PATTERN } from './constants.js';
import { canonicalCarrier } from './carriers.js';
import { normalizeMobile } from './phone.js';
import { textProblem } from './text.js';

/** A mainland mobile number, normalised to 11 digits. */
export const MobilePhone = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const phone = normalizeMobile(v);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: '请输入正确的手机号' });
      return z.NEVER;
    }
    return phone;
  });

/** Refuses control, invisible and direction-changing characters (`textProblem`). */
const plainText = (s: z.ZodString) =>
  s.superRefine((v, ctx) => {
    const problem = textProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Trimmed, non-empty text of at most `max` characters, with no control or invisible characters. */
export const Text = (max: number) => plainText(z.string().trim().min(1, '不能为空').max(max, `不能超过${max}个字符`));

/**
 * A record id: a JSON number, or the decimal digits of a path or query string. Plain coercion
 * would also take `0x10`, `1e3`, ` 7` or `true` as ids.
 */
export const Id = z
  .union([z.number(), z.string().regex(/^\d{1,20}$/, '必须是正整数')], { error: '必须是正整数' })
  .pipe(z.coerce.number<string | number>().int().positive().max(Number.MAX_SAFE_INTEGER));

export const Pagination = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
};

/** A query-string boolean: true/false/1/0. */
export const QueryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Fee rate in fen: 0 to 100 元 a day. */
export const FeeRateFen = z.number().int().min(0).max(MAX_FEE_RATE_FEN);

/** A carrier by name or alias, stored by its canonical name. */
export const Carrier = z
  .string()
  .max(50)
  .transform((v, ctx) => {
    const name = canonicalCarrier(v);
    if (!name) {
      ctx.addIssue({ code: 'custom', message: '未知的快递公司' });
      return z.NEVER;
    }
    return name;
  });

/** A tracking number: 3 to 40 letters, digits or dashes, stored in capitals. */
export const TrackingNo = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(TRACKING_NO_PATTERN, '快递单号为3到40位字母、数字或 -'));

/** A day (`2026-01-08`, a day in Asia/Shanghai) or an instant (ISO-8601): a filter's bound. */
export const DayOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
