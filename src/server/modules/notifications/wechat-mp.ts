import type { NotificationKind } from '../../db/types.js';
import { PARAM_ORDER, ProviderError, templateOf, type MessageProvider, type OutgoingMessage, type Templates } from './provider.js';

/**
 * A WeChat official account (公众号): template messages to residents who follow it, and web
 * authorization (网页授权, snsapi_base) that tells the server a visitor's openid.
 */
export interface WechatMpConfig {
  appId: string;
  appSecret: string;
  /** Default 'https://api.weixin.qq.com'; tests point it at a fake server. */
  apiBase?: string;
  /** Where users authorize (default 'https://open.weixin.qq.com'). */
  oauthBase?: string;
  /** The template id registered for each kind of notification. */
  templates: Templates<NotificationKind>;
  /**
   * The template's data keys, in PARAM_ORDER order (e.g. `['thing1', 'thing2', …]` for a template
   * from the new library). Default `keyword1` … `keywordN`, the classic template layout.
   */
  keys?: Partial<Record<NotificationKind, readonly string[]>>;
  /** The page a tap on the message opens; without it the message is not a link. */
  pageUrl?: Partial<Record<NotificationKind, string>>;
  /** Per HTTP request (default 5000 ms). */
  timeoutMs?: number;
}

const DEFAULT_API_BASE = 'https://api.weixin.qq.com';
const DEFAULT_OAUTH_BASE = 'https://open.weixin.qq.com';
const DEFAULT_TIMEOUT_MS = 5000;
/** A token is replaced this long before WeChat says it expires, so no send races its expiry. */
const REFRESH_MARGIN_S = 300;

/** Answers that say the access token is not (or no longer) good: a new token may fix them. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

/**
 * Answers a retry of the same request cannot change: the account's configuration or the
 * recipient must change first. Anything else (-1 busy, 45009 quota, 40164 IP whitelist, which
 * an administrator fixes without a restart, unknown codes) is retried by the outbox.
 */
const PERMANENT_ERRORS = new Map<number, string>([
  [40002, 'invalid grant_type'],
  [40003, 'invalid openid'],
  [40013, 'invalid appid'],
  [40029, 'invalid code'],
  [40036, 'invalid template_id size'],
  [40037, 'invalid template_id'],
  [40125, 'invalid appsecret'],
  [40163, 'code already used'],
  [41001, 'access_token missing'],
  [41002, 'appid missing'],
  [41004, 'appsecret missing'],
  [41008, 'code missing'],
  [43004, 'recipient does not follow the official account'],
  [43019, 'recipient is on the account blacklist'],
  [47001, 'data format error'],
  [47003, 'argument invalid'],
  [48001, 'api unauthorized for this account'],
]);

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

/** `…abcd`: enough of an openid, code or token to tell two apart in a log, never the whole. */
function tail(secret: string): string {
  return secret.length <= 8 ? '…' : `…${secret.slice(-4)}`;
}

/** Replaces every secret that occurs in `text` (WeChat sometimes echoes arguments in errmsg). */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(tail(s));
  return out;
}

/**
 * One HTTP call to WeChat, parsed. Network failures, timeouts and non-2xx statuses are
 * retryable ProviderErrors (WeChat itself answers 200 even for its errors, so another status
 * comes from a proxy or an outage). `what` names the call without any secret in it.
 */
async function callWechat(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<WechatAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    // The error's message and cause are not copied: undici may put the URL (token, secret,
    // code) into them.
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new ProviderError(
      timedOut ? `WeChat ${what}: no answer within ${timeoutMs} ms` : `WeChat ${what}: network error`,
      true,
      timedOut ? 'timeout' : 'network',
    );
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new ProviderError(`WeChat ${what}: HTTP ${res.status}`, true, `http_${res.status}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ProviderError(`WeChat ${what}: the answer is not JSON`, true, 'bad_answer');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProviderError(`WeChat ${what}: the answer is not a JSON object`, true, 'bad_answer');
  }
  const answer = body as WechatAnswer;
  if (answer.errcode !== undefined && typeof answer.errcode !== 'number') {
    throw new ProviderError(`WeChat ${what}: errcode is not a number`, true, 'bad_answer');
  }
  return answer;
}

/** The ProviderError for a WeChat errcode other than 0; `secrets` are scrubbed from errmsg. */
function wechatError(what: string, answer: WechatAnswer, secrets: readonly string[]): ProviderError {
  const code = answer.errcode ?? 0;
  const errmsg = typeof answer.errmsg === 'string' ? scrub(answer.errmsg, secrets).slice(0, 200) : '';
  const known = PERMANENT_ERRORS.get(code);
  return new ProviderError(`WeChat ${what}: ${code} ${known ?? errmsg}${known && errmsg ? ` (${errmsg})` : ''}`, !known, String(code));
}

/**
 * The official account's access token (cgi-bin/token): fetched on first use, kept, and replaced
 * REFRESH_MARGIN_S before it expires. Concurrent callers share one fetch, because every fetch
 * makes WeChat retire the previous token (after a short grace) and counts against a daily quota.
 */
export class WechatAccessToken {
  private token: { value: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly apiBase: string;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  /** `now` is the wall clock the token's lifetime is measured on (injectable for tests). */
  constructor(
    private readonly cfg: WechatMpConfig,
    opts: { now?: () => Date } = {},
  ) {
    this.apiBase = (cfg.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = opts.now ?? (() => new Date());
  }

  /** A token good for a while yet: the kept one, or a new one (one fetch however many ask). */
  async get(): Promise<string> {
    if (this.token && this.now().getTime() < this.token.refreshAt) return this.token.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * Forgets the kept token, after WeChat refused it. With `stale`, only if that is still the
   * kept one: concurrent sends refused with the same old token then cause one refresh, not one each.
   */
  invalidate(stale?: string): void {
    if (stale === undefined || this.token?.value === stale) this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const started = this.now().getTime();
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: this.cfg.appId, secret: this.cfg.appSecret });
    const answer = await callWechat(`${this.apiBase}/cgi-bin/token?${q}`, { method: 'GET' }, this.timeoutMs, 'access token');
    if (answer.errcode !== undefined && answer.errcode !== 0) {
      // On this endpoint 40001 means a wrong AppSecret, not a stale token: no retry helps.
      if (answer.errcode === 40001) throw new ProviderError('WeChat access token: 40001 invalid appsecret', false, '40001');
      throw wechatError('access token', answer, [this.cfg.appSecret]);
    }
    const value = answer.access_token;
    const expiresIn = answer.expires_in;
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new ProviderError('WeChat access token: the answer has no access_token/expires_in', true, 'bad_answer');
    }
    // Measured from when the request started (the token may be older than its arrival), and
    // never less than half the lifetime, should WeChat ever hand out short-lived tokens.
    const margin = Math.min(REFRESH_MARGIN_S, expiresIn / 2);
    this.token = { value, refreshAt: started + (expiresIn - margin) * 1000 };
    return value;
  }
}

/** The template data keys of each kind: configured, or `keyword1` … `keywordN`. */
function templateKeys(cfg: WechatMpConfig, kind: NotificationKind): readonly string[] {
  const order = PARAM_ORDER[kind];
  const keys = cfg.keys?.[kind] ?? order.map((_, i) => `keyword${i + 1}`);
  if (keys.length !== order.length) {
    throw new Error(`WeChat template keys for ${kind}: ${keys.length} given, the message has ${order.length} values (${order.join(', ')})`);
  }
  return keys;
}

/**
 * The longest value each kind of key of WeChat's template library takes (`thing1` is text of at
 * most 20 characters, `character_string2` 32, `phrase3` 5, `name4` 10); a longer value is
 * refused (47003), so it is shortened with an ellipsis instead. Classic `keyword` keys take
 * longer text.
 */
const VALUE_LIMITS: readonly [RegExp, number][] = [
  [/^thing\d+$/, 20],
  [/^character_string\d+$/, 32],
  [/^phrase\d+$/, 5],
  [/^name\d+$/, 10],
  [/^car_number\d+$/, 8],
  [/^phone_number\d+$/, 17],
];

/** A value cut to what its template key takes. */
export function fitValue(key: string, value: string): string {
  const limit = VALUE_LIMITS.find(([re]) => re.test(key))?.[1];
  const chars = [...value];
  if (limit === undefined || chars.length <= limit) return value;
  return `${chars.slice(0, limit - 1).join('')}…`;
}

/**
 * Sends notifications as WeChat template messages (channel 'wechat'; `msg.to` is the openid).
 * Sign-in codes are not sent this way: a template message is not a verification channel.
 */
export function wechatMpProvider(cfg: WechatMpConfig, opts: { now?: () => Date } = {}): MessageProvider {
  // Checked at start-up, not at the first send: a wrong key count is a configuration mistake.
  const keysByKind = {
    parcel_received: templateKeys(cfg, 'parcel_received'),
    parcel_rejected: templateKeys(cfg, 'parcel_rejected'),
    pickup_reminder: templateKeys(cfg, 'pickup_reminder'),
    parcel_returned: templateKeys(cfg, 'parcel_returned'),
    parcel_stale: templateKeys(cfg, 'parcel_stale'),
    parcel_due_back: templateKeys(cfg, 'parcel_due_back'),
  } satisfies Record<NotificationKind, readonly string[]>;
  const tokens = new WechatAccessToken(cfg, opts);
  const apiBase = (cfg.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  function body(msg: OutgoingMessage, kind: NotificationKind): string {
    const order: readonly string[] = PARAM_ORDER[kind];
    const keys = keysByKind[kind];
    const data: Record<string, { value: string }> = {};
    order.forEach((name, i) => {
      const value = msg.params[name];
      if (value === undefined) throw new ProviderError(`WeChat template message: ${kind} lacks the value ${name}`, false, 'missing_param');
      // WeChat refuses an empty value (47003 "data.x.value is empty"); an optional value such
      // as the rejection's recipient is then shown as a dash.
      const key = keys[i] as string;
      data[key] = { value: fitValue(key, value.trim() === '' ? '-' : value) };
    });
    const url = cfg.pageUrl?.[kind];
    return JSON.stringify({ touser: msg.to, template_id: templateOf(cfg.templates, kind, 'WeChat'), ...(url ? { url } : {}), data });
  }

  function post(token: string, payload: string, what: string): Promise<WechatAnswer> {
    const q = new URLSearchParams({ access_token: token });
    const init = { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: payload };
    return callWechat(`${apiBase}/cgi-bin/message/template/send?${q}`, init, timeoutMs, what);
  }

  return {
    name: 'wechat-mp',
    async send(msg) {
      // `now` (business time, possibly a test clock) is not used: the token's lifetime runs on
      // WeChat's clock, which the injectable `opts.now` stands in for.
      if (msg.channel !== 'wechat') throw new ProviderError(`WeChat cannot send ${msg.channel} messages`, false, 'wrong_channel');
      if (msg.kind === 'otp' || msg.kind === 'household_added' || msg.kind === 'shipment_quoted' || msg.kind === 'shipment_handed_over') {
        throw new ProviderError(
          `WeChat template messages do not carry ${msg.kind === 'otp' ? 'sign-in codes' : 'these notices'} (send them by SMS)`,
          false,
          'otp_not_supported',
        );
      }
      // An openid is letters, digits, - and _; all digits is a phone number routed to the wrong
      // channel, which must not be sent to WeChat.
      if (!/^[A-Za-z0-9_-]{6,64}$/.test(msg.to) || /^\d+$/.test(msg.to)) {
        throw new ProviderError(`WeChat template message: ${tail(msg.to)} is not an openid`, false, 'bad_openid');
      }
      const payload = body(msg, msg.kind);
      const what = `template message to ${tail(msg.to)}`;
      let token = await tokens.get();
      let answer = await post(token, payload, what);
      if (answer.errcode !== undefined && TOKEN_ERRORS.has(answer.errcode)) {
        // Expired or retired early (another fetch of the same account's token): one new token,
        // one more try; a second refusal is left to the outbox's retry.
        tokens.invalidate(token);
        token = await tokens.get();
        answer = await post(token, payload, what);
        if (answer.errcode !== undefined && TOKEN_ERRORS.has(answer.errcode)) tokens.invalidate(token);
      }
      if (answer.errcode === 0) return;
      if (answer.errcode === undefined) throw new ProviderError(`WeChat ${what}: the answer has no errcode`, true, 'bad_answer');
      throw wechatError(what, answer, [token, msg.to, cfg.appSecret]);
    },
  };
}

/** Web authorization (网页授权) with scope snsapi_base: who the visitor is, without a prompt. */
export interface WechatOAuth {
  /** Where to send the browser; WeChat comes back to `redirectUri?code=…&state=…`. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** The visitor's openid for the code WeChat gave the redirect (ProviderError when refused). */
  openidForCode(code: string): Promise<string>;
}

/** The official account's web authorization (see WechatOAuth). */
export function wechatOAuth(cfg: WechatMpConfig): WechatOAuth {
  const apiBase = (cfg.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const oauthBase = (cfg.oauthBase ?? DEFAULT_OAUTH_BASE).replace(/\/+$/, '');
  const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    authorizeUrl(redirectUri, state) {
      // WeChat takes a state of letters and digits, at most 128 bytes, and is known to be picky
      // about the parameters' order: they are written out in the documented order.
      if (!/^[A-Za-z0-9]{0,128}$/.test(state)) throw new RangeError('WeChat OAuth state: letters and digits only, at most 128');
      return (
        `${oauthBase}/connect/oauth2/authorize?appid=${encodeURIComponent(cfg.appId)}` +
        `&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_base` +
        `&state=${state}#wechat_redirect`
      );
    },
    async openidForCode(code) {
      if (code === '') throw new ProviderError('WeChat OAuth: no code', false, '41008');
      const q = new URLSearchParams({ appid: cfg.appId, secret: cfg.appSecret, code, grant_type: 'authorization_code' });
      const answer = await callWechat(`${apiBase}/sns/oauth2/access_token?${q}`, { method: 'GET' }, timeoutMs, 'OAuth code exchange');
      if (answer.errcode === 40001) throw new ProviderError('WeChat OAuth code exchange: 40001 invalid appsecret', false, '40001');
      if (answer.errcode !== undefined && answer.errcode !== 0) throw wechatError('OAuth code exchange', answer, [code, cfg.appSecret]);
      if (typeof answer.openid !== 'string' || answer.openid === '') {
        throw new ProviderError('WeChat OAuth code exchange: the answer has no openid', true, 'bad_answer');
      }
      return answer.openid;
    },
  };
}
