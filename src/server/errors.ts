import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
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

export const badRequest = (code: ErrorCode = 'validation_error', message?: string, extra?: Record<string, unknown>) => new AppError(400, code, message, extra);
export const unauthorized = () => new AppError(401, 'unauthorized');
export const forbidden = (code: ErrorCode = 'forbidden', message?: string) => new AppError(403, code, message);
/** Not found and no access answer alike, so ids of other orgs cannot be probed. */
export const notFound = () => new AppError(404, 'not_found');
export const conflict = (code: ErrorCode, message?: string, extra?: Record<string, unknown>) => new AppError(409, code, message, extra);
export const unprocessable = (code: ErrorCode, message?: string) => new AppError(422, code, message);
export const tooManyRequests = (retryAfterSeconds: number) => new AppError(429, 'too_many_requests', undefined, { retryAfterSeconds });

/**
 * The one error handler: `{ error, message }` with a stable code (and `issues` for invalid input);
 * a 5xx is logged with its cause and answered without details.
 */
export function setErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const lang = languageOf(req.headers['accept-language']);
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        error: 'validation_error',
        message: `${messageOf('validation_error', lang)}：${err.validation.map((v) => v.message).join('；')}`,
        issues: err.validation.map((v) => ({ path: `${err.validationContext ?? ''}${v.instancePath}`, code: v.keyword, message: v.message })),
      });
    }
    if (err instanceof AppError) {
      const retry = err.extra?.retryAfterSeconds;
      if (typeof retry === 'number') reply.header('Retry-After', String(retry));
      return reply.code(err.statusCode).send({ error: err.code, message: err.customMessage ?? messageOf(err.code, lang), ...err.extra });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 404 ? 'not_found' : status === 429 ? 'too_many_requests' : 'bad_request';
      const message = code === 'bad_request' ? `${messageOf(code, lang)}：${err.message}` : messageOf(code, lang);
      return reply.code(status).send({ error: code, message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: messageOf('internal_error', lang) });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not_found', message: messageOf('not_found', languageOf(req.headers['accept-language'])) }),
  );
}
