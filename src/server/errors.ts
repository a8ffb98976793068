import { ERROR_MESSAGES, type ErrorCode } from '../shared/messages.js';

/** An error with a stable code, an HTTP status and a readable (Chinese) message. */
export class AppError extends Error {
  /** The message given in place of the code's standard one (which has an English version too). */
  readonly customMessage: string | undefined;
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message ?? ERROR_MESSAGES[code].zh);
    this.name = 'AppError';
    this.customMessage = message;
  }
}

/** The language of answers: Chinese unless the client asks for English first. */
export function languageOf(acceptLanguage: string | undefined): 'zh' | 'en' {
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh';
}

/** The readable message of a code in a language. */
export function messageOf(code: ErrorCode, lang: 'zh' | 'en'): string {
  return ERROR_MESSAGES[code][lang];
}

export const badRequest = (code: ErrorCode = 'validation_error', message?: string, extra?: Record<string, unknown>) =>
  new AppError(400, code, message, extra);
export const unauthorized = () => new AppError(401, 'unauthorized');
export const forbidden = (code: ErrorCode = 'forbidden', message?: string) => new AppError(403, code, message);
/** Not found and no access answer alike, so ids of other orgs cannot be probed. */
export const notFound = () => new AppError(404, 'not_found');
export const conflict = (code: ErrorCode, message?: string, extra?: Record<string, unknown>) =>
  new AppError(409, code, message, extra);
export const unprocessable = (code: ErrorCode, message?: string) => new AppError(422, code, message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'too_many_requests', undefined, { retryAfterSeconds });
