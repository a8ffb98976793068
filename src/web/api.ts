// The one HTTP client of the web apps: JSON in and out, the session cookie, the language, and
// `{ error, message, issues }` answers turned into ApiError.
import { currentLang } from './i18n.js';

export interface ApiIssue {
  path?: string;
  message: string;
}

/** A failed call: the API's stable code and its readable message (already in the user's language). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** For a validation error: which fields were invalid, and why. */
  get issues(): ApiIssue[] {
    return Array.isArray(this.body.issues) ? (this.body.issues as ApiIssue[]) : [];
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

let onUnauthorized: (() => void) | null = null;

/** Called when a call answers 401: the session ended, so the app sends the user to sign in. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** `/api/x?a=1`, leaving out empty values. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Sends a call; a failed answer (or no answer) becomes an ApiError. */
async function send(
  method: string,
  path: string,
  opts: { query?: Query; body?: unknown; form?: FormData; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'accept-language': currentLang(), ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', currentLang() === 'en' ? 'Network error; check the connection and try again' : '网络异常，请检查网络后重试');
  }
  if (res.ok) return res;
  const obj = await res.json().then(
    (d: unknown) => (d && typeof d === 'object' ? (d as Record<string, unknown>) : {}),
    () => ({}) as Record<string, unknown>,
  );
  const code = typeof obj.error === 'string' ? obj.error : 'http_error';
  const message = typeof obj.message === 'string' ? obj.message : `${res.status} ${res.statusText}`;
  if (res.status === 401 && onUnauthorized) onUnauthorized();
  throw new ApiError(res.status, code, message, obj);
}

async function request<T>(method: string, path: string, opts: Parameters<typeof send>[2] = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** The file name a download answer gives (`filename*=UTF-8''…` first: Chinese names). */
function fileNameOf(res: Response): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) return decodeURIComponent(star[1]);
  return /filename="?([^";]+)"?/i.exec(cd)?.[1] ?? 'download';
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body: body ?? {}, headers }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
  /** A file the API serves (an export, a template), with its name. */
  file: async (path: string, query?: Query) => {
    const res = await send('GET', path, { query });
    return { blob: await res.blob(), name: fileNameOf(res) };
  },
  upload: <T>(path: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return request<T>('POST', path, { form });
  },
};

/** The message to show for any thrown value (the API's own message includes what was invalid). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A key no other submission has: random, so two devices never collide. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not (a phone on a plain-http LAN address).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An answer that says nothing about the request: the same request may succeed later. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status === 401 || err.status === 408 || err.status === 429 || err.status >= 500;
}
