import { ERROR_MESSAGES, type ErrorCode } from '../shared/messages.js';

/** An error with a stable code, an HTTP status and a readable (Chinese) message. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message ?? ERROR_MESSAGES[code].zh);
    this.name = 'AppError';
  }
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
