import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import type { App } from './http.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin a browser says a request comes from: `Origin`, else the origin of `Referer`; null when neither is sent. */
function claimedOrigin(req: FastifyRequest): string | null {
  const origin = req.headers.origin;
  if (origin) return origin;
  const referer = req.headers.referer;
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/** `host[:port]` of an origin, or null when it is not an http(s) origin (`null`, `file://`). */
function hostOf(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host : null;
  } catch {
    return null;
  }
}

/**
 * Cross-site request forgery: a state-changing API request (any method but GET, HEAD and
 * OPTIONS) is refused with 403 `cross_origin` when the browser says it comes from another origin
 * (`Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin`/`Referer` whose host is not the one
 * the request was sent to, nor one of `allowedOrigins`). Another port of the same host is another
 * origin, though the browser sends it our SameSite cookie. Clients that are not browsers send none
 * of these headers and are not affected.
 *
 * Its body must then be JSON (or nothing), or multipart/form-data on an upload route: an HTML form
 * or a `text/plain` fetch from another site, which a browser sends without asking us first,
 * never reaches a handler (415 `unsupported_media_type`).
 */
export function refuseCrossSite(app: App, allowedOrigins: string[]): void {
  const allowed = new Set(allowedOrigins.map(hostOf).filter((h): h is string => h !== null));
  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return;
    const site = req.headers['sec-fetch-site'];
    const origin = claimedOrigin(req);
    const host = origin === null ? undefined : hostOf(origin);
    if (site === 'cross-site' || site === 'same-site' || (origin !== null && (host === null || (host !== req.host && !allowed.has(host ?? ''))))) {
      throw new AppError(403, 'cross_origin');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const upload = req.routeOptions.schema?.consumes?.includes('multipart/form-data') ?? false;
    if (type === '' || type === 'application/json' || (upload && type === 'multipart/form-data')) return;
    throw new AppError(415, 'unsupported_media_type', upload ? '请以 multipart/form-data 上传文件（字段名 file）' : undefined);
  });
}
