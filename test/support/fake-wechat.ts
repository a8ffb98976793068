import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for api.weixin.qq.com, on 127.0.0.1: the access token, template messages and the
// web-authorization code exchange, with WeChat's answers (HTTP 200 with an errcode) and failures
// a test can order. It is strict where WeChat is strict, so that a request the fake accepts has
// the shape the real one takes.

/** How an injected failure answers: HTTP 500, errcode -1 (system busy), 45009 (quota), or never. */
export type FakeFailure = 'http500' | 'busy' | 'quota' | 'hang';

/** A template message the fake accepted. */
export interface FakeTemplateMessage {
  touser: string;
  template_id: string;
  url?: string;
  data: Record<string, { value: string }>;
  msgid: number;
}

/** One request as the fake saw it: the path (never the query, which holds secrets) and its answer. */
export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  errcode?: number;
}

/** What the fake knows: the account's credentials and its templates (id → data keys). */
export interface FakeWechatOptions {
  appId: string;
  appSecret: string;
  templates: Record<string, readonly string[]>;
  /** The access token's lifetime (default 7200 s, as WeChat). */
  tokenTtlSeconds?: number;
  /** The fake's clock for token and code expiry (default the real one). */
  now?: () => Date;
}

/** A running fake WeChat server (see startFakeWechat). */
export interface FakeWechat {
  apiBase: string;
  /** The template messages accepted, in order. */
  sent: FakeTemplateMessage[];
  /** Every access token handed out, in order. */
  tokensIssued: string[];
  requests: FakeRequest[];
  /** Makes every token issued so far expired: using one answers 42001. */
  expireTokens(): void;
  /** An OAuth code for this openid (usable once, for 5 minutes), as WeChat's redirect carries. */
  issueCode(openid: string): string;
  /** The next `n` requests fail this way. */
  failNext(n: number, how: FakeFailure): void;
  /** Template messages to this openid answer 43004 (the user does not follow the account). */
  unsubscribe(openid: string): void;
  close(): Promise<void>;
}

/** An official account's openid: 28 characters of base64url, starting with `o`. */
export const OPENID_RE = /^o[A-Za-z0-9_-]{27}$/;

/** A random openid of the real shape. */
export function fakeOpenid(): string {
  return `o${randomBytes(21).toString('base64url').slice(0, 27)}`;
}

/** Starts the fake on a random port of 127.0.0.1. */
export async function startFakeWechat(opts: FakeWechatOptions): Promise<FakeWechat> {
  const now = opts.now ?? (() => new Date());
  const ttl = opts.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, { expiresAt: number }>();
  const codes = new Map<string, { openid: string; expiresAt: number; used: boolean }>();
  const unsubscribed = new Set<string>();
  const failures: FakeFailure[] = [];
  const sent: FakeTemplateMessage[] = [];
  const tokensIssued: string[] = [];
  const requests: FakeRequest[] = [];
  let msgid = 1000;

  function answer(res: http.ServerResponse, rec: FakeRequest, body: Record<string, unknown>): void {
    rec.status = 200;
    if (typeof body.errcode === 'number') rec.errcode = body.errcode;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  const err = (errcode: number, errmsg: string) => ({ errcode, errmsg: `${errmsg} rid: ${randomBytes(4).toString('hex')}` });

  function checkCredentials(q: URLSearchParams) {
    if (q.get('appid') !== opts.appId) return err(40013, 'invalid appid');
    if (q.get('secret') !== opts.appSecret) return err(40125, 'invalid appsecret');
    return null;
  }

  function tokenEndpoint(q: URLSearchParams) {
    if (q.get('grant_type') !== 'client_credential') return err(40002, 'invalid grant_type');
    const bad = checkCredentials(q);
    if (bad) return bad;
    // Real tokens are long opaque strings; so are these.
    const token = `${tokensIssued.length + 1}_${randomBytes(60).toString('base64url')}`;
    tokens.set(token, { expiresAt: now().getTime() + ttl * 1000 });
    tokensIssued.push(token);
    return { access_token: token, expires_in: ttl };
  }

  function templateSend(q: URLSearchParams, raw: string) {
    const token = q.get('access_token');
    if (!token) return err(41001, 'access_token missing');
    const known = tokens.get(token);
    if (!known) return err(40001, 'invalid credential, access_token is invalid or not latest');
    if (now().getTime() >= known.expiresAt) return err(42001, 'access_token expired');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return err(47001, 'data format error');
    }
    if (typeof body !== 'object' || body === null) return err(47001, 'data format error');
    const b = body as Record<string, unknown>;
    if (typeof b.touser !== 'string' || !OPENID_RE.test(b.touser)) return err(40003, 'invalid openid');
    if (typeof b.template_id !== 'string') return err(40037, 'invalid template_id');
    const keys = opts.templates[b.template_id];
    if (!keys) return err(40037, 'invalid template_id');
    if (b.url !== undefined && (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))) return err(47003, 'argument invalid! url');
    if (typeof b.data !== 'object' || b.data === null || Array.isArray(b.data)) return err(47003, 'argument invalid! data');
    const data = b.data as Record<string, unknown>;
    for (const key of keys) {
      const item = data[key];
      if (typeof item !== 'object' || item === null) return err(47003, `argument invalid! data.${key} is missing`);
      const value = (item as Record<string, unknown>).value;
      if (typeof value !== 'string' || value === '') return err(47003, `argument invalid! data.${key}.value is empty`);
    }
    if (unsubscribed.has(b.touser)) return err(43004, 'require subscribe');
    const m: FakeTemplateMessage = {
      touser: b.touser,
      template_id: b.template_id,
      data: data as Record<string, { value: string }>,
      msgid: ++msgid,
    };
    if (typeof b.url === 'string') m.url = b.url;
    sent.push(m);
    return { errcode: 0, errmsg: 'ok', msgid: m.msgid };
  }

  function oauthExchange(q: URLSearchParams) {
    if (q.get('grant_type') !== 'authorization_code') return err(40002, 'invalid grant_type');
    const bad = checkCredentials(q);
    if (bad) return bad;
    const code = q.get('code');
    if (!code) return err(41008, 'missing code');
    const c = codes.get(code);
    if (!c || now().getTime() >= c.expiresAt) return err(40029, 'invalid code');
    if (c.used) return err(40163, 'code been used');
    c.used = true;
    return {
      access_token: randomBytes(40).toString('base64url'),
      expires_in: 7200,
      refresh_token: randomBytes(40).toString('base64url'),
      openid: c.openid,
      scope: 'snsapi_base',
    };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: FakeRequest = { method: req.method ?? '', path: url.pathname, status: 0 };
    requests.push(rec);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1_000_000) chunks.push(c);
    });
    req.on('end', () => {
      const failure = failures.shift();
      if (failure === 'hang') return; // the socket stays open until the client gives up or close()
      if (failure === 'http500') {
        rec.status = 500;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
        return;
      }
      if (failure === 'busy') return answer(res, rec, err(-1, 'system error'));
      if (failure === 'quota') return answer(res, rec, err(45009, 'reach max api daily quota limit'));
      const q = url.searchParams;
      if (req.method === 'GET' && url.pathname === '/cgi-bin/token') return answer(res, rec, tokenEndpoint(q));
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/template/send') {
        return answer(res, rec, templateSend(q, Buffer.concat(chunks).toString('utf8')));
      }
      if (req.method === 'GET' && url.pathname === '/sns/oauth2/access_token') return answer(res, rec, oauthExchange(q));
      rec.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    sent,
    tokensIssued,
    requests,
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, now().getTime());
    },
    issueCode(openid) {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { openid, expiresAt: now().getTime() + 5 * 60_000, used: false });
      return code;
    },
    failNext(n, how) {
      for (let i = 0; i < n; i++) failures.push(how);
    },
    unsubscribe(openid) {
      unsubscribed.add(openid);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests and kept-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
