import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationKind } from '../src/server/db/types.js';
import { PARAM_ORDER, ProviderError, type OutgoingMessage } from '../src/server/modules/notifications/provider.js';
import { renderNotification } from '../src/server/modules/notifications/templates.js';
import { WechatAccessToken, fitValue, wechatMpProvider, wechatOAuth, type WechatMpConfig } from '../src/server/modules/notifications/wechat-mp.js';
import { fakeOpenid, startFakeWechat, type FakeWechat } from './support/fake-wechat.js';

// The WeChat official-account provider and web authorization against a fake api.weixin.qq.com:
// template messages of each kind, the access token's life (kept, refreshed early, refreshed when
// refused, shared), which failures the outbox retries, and that no error gives a secret away.

const APP_ID = 'wx1234567890abcdef';
const APP_SECRET = 'f00dfeedc0ffee1234567890abcdef12';
const TEMPLATES = { parcel_received: 'TPL_received_001', parcel_rejected: 'TPL_rejected_002', pickup_reminder: 'TPL_reminder_003' } as const;
/** parcel_received uses the new library's keys; the others the classic keyword1…N. */
const RECEIVED_KEYS = ['thing1', 'thing2', 'thing3', 'character_string4', 'character_string5', 'thing6'];
const keywords = (n: number) => Array.from({ length: n }, (_, i) => `keyword${i + 1}`);

let clock: Date;
const now = () => clock;
let fake: FakeWechat;
let cfg: WechatMpConfig;
/** Every error thrown at the tests, checked for secrets after each test. */
let seen: unknown[];
let secrets: string[];

beforeEach(async () => {
  clock = new Date('2026-03-01T08:00:00Z');
  fake = await startFakeWechat({
    appId: APP_ID,
    appSecret: APP_SECRET,
    templates: {
      [TEMPLATES.parcel_received]: RECEIVED_KEYS,
      [TEMPLATES.parcel_rejected]: keywords(PARAM_ORDER.parcel_rejected.length),
      [TEMPLATES.pickup_reminder]: keywords(PARAM_ORDER.pickup_reminder.length),
    },
    now,
  });
  cfg = {
    appId: APP_ID,
    appSecret: APP_SECRET,
    apiBase: fake.apiBase,
    templates: { ...TEMPLATES },
    keys: { parcel_received: RECEIVED_KEYS },
    pageUrl: { parcel_received: 'https://kd.example.cn/r/parcels' },
    // Room for a loaded machine (the suite runs files side by side); the hang tests shorten it.
    timeoutMs: 3000,
  };
  seen = [];
  secrets = [APP_SECRET];
});

afterEach(async () => {
  await fake.close();
  for (const e of seen) {
    const text = e instanceof Error ? `${e.message} ${String((e as ProviderError).code)}` : String(e);
    for (const s of [...secrets, ...fake.tokensIssued]) expect(text).not.toContain(s);
  }
});

/** The error a promise rejects with (recorded for the secrets check). */
async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  seen.push(e);
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

function received(to: string): OutgoingMessage {
  const r = renderNotification('parcel_received', {
    community: '华润城',
    collectionPoint: '3栋大堂',
    carrier: '顺丰',
    trackingTail: '4821',
    pickupCode: '5-2-3017',
    feeRateFen: 0,
  });
  return { channel: 'wechat', to, kind: 'parcel_received', ...r };
}

function message(kind: NotificationKind, to: string): OutgoingMessage {
  if (kind === 'parcel_received') return received(to);
  if (kind === 'parcel_rejected') {
    const r = renderNotification('parcel_rejected', { community: '华润城', trackingNo: 'SF1234567890', reason: '破损', recipientPhone: '13800138000' });
    return { channel: 'wechat', to, kind, ...r };
  }
  const r = renderNotification('pickup_reminder', { community: '华润城', collectionPoint: '3栋大堂', pickupCodes: ['5-2-3017', '5-2-3018'], feeRateFen: 100 });
  return { channel: 'wechat', to, kind, ...r };
}

describe('template messages', () => {
  it('sends each kind with its template id and its values under the template keys, in PARAM_ORDER', async () => {
    const provider = wechatMpProvider(cfg, { now });
    const to = fakeOpenid();
    for (const kind of ['parcel_received', 'parcel_rejected', 'pickup_reminder'] as const) {
      const msg = message(kind, to);
      await provider.send(msg, clock);
      const got = fake.sent.at(-1);
      expect(got?.touser).toBe(to);
      expect(got?.template_id).toBe(TEMPLATES[kind]);
      const keys = kind === 'parcel_received' ? RECEIVED_KEYS : keywords(PARAM_ORDER[kind].length);
      const expected = Object.fromEntries(PARAM_ORDER[kind].map((name, i) => [keys[i], { value: msg.params[name] }]));
      expect(got?.data).toEqual(expected);
    }
    expect(fake.sent.map((m) => m.url)).toEqual(['https://kd.example.cn/r/parcels', undefined, undefined]);
    expect(fake.sent[0]?.data.character_string5).toEqual({ value: '5-2-3017' });
    expect(fake.sent[1]?.data.keyword3).toEqual({ value: '*******8000' });
    expect(fake.sent[2]?.data.keyword4).toEqual({ value: '5-2-3017、5-2-3018' });
  });

  it('sends an empty value as a dash (WeChat refuses empty values)', async () => {
    const provider = wechatMpProvider(cfg, { now });
    const r = renderNotification('parcel_rejected', { community: '华润城', trackingNo: 'YT9', reason: null });
    await provider.send({ channel: 'wechat', to: fakeOpenid(), kind: 'parcel_rejected', ...r }, clock);
    expect(fake.sent[0]?.data.keyword3).toEqual({ value: '-' });
    expect(fake.sent[0]?.data.keyword4).toEqual({ value: '未填写' });
  });

  it('refuses sign-in codes, phone numbers for openids and a key list of the wrong length, without calling WeChat', async () => {
    const provider = wechatMpProvider(cfg, { now });
    const otp = await failure(provider.send({ channel: 'wechat', to: fakeOpenid(), kind: 'otp', params: { code: '123456', minutes: '5' }, text: '' }, clock));
    expect(otp.retryable).toBe(false);
    expect(otp.message).toMatch(/sign-in codes/);
    const phone = await failure(provider.send(received('13800138000'), clock));
    expect(phone.retryable).toBe(false);
    expect(phone.message).not.toContain('13800138000');
    expect(fake.requests).toEqual([]);
    expect(() => wechatMpProvider({ ...cfg, keys: { parcel_rejected: ['keyword1'] } })).toThrow(/parcel_rejected/);
  });
});

describe('access token', () => {
  it('is fetched once for many sends', async () => {
    const provider = wechatMpProvider(cfg, { now });
    for (let i = 0; i < 5; i++) await provider.send(received(fakeOpenid()), clock);
    expect(fake.sent).toHaveLength(5);
    expect(fake.tokensIssued).toHaveLength(1);
  });

  it('is refreshed before it expires, without WeChat ever refusing it', async () => {
    const provider = wechatMpProvider(cfg, { now });
    await provider.send(received(fakeOpenid()), clock);
    clock = new Date(clock.getTime() + (7200 - 301) * 1000);
    await provider.send(received(fakeOpenid()), clock);
    expect(fake.tokensIssued).toHaveLength(1);
    clock = new Date(clock.getTime() + 2000); // inside the last 5 minutes of the token's life
    await provider.send(received(fakeOpenid()), clock);
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.requests.filter((r) => r.errcode !== undefined && r.errcode !== 0)).toEqual([]);
  });

  it('is replaced once when WeChat says it expired (42001), and the send succeeds', async () => {
    const provider = wechatMpProvider(cfg, { now });
    await provider.send(received(fakeOpenid()), clock);
    fake.expireTokens();
    await provider.send(received(fakeOpenid()), clock);
    expect(fake.sent).toHaveLength(2);
    expect(fake.tokensIssued).toHaveLength(2);
    expect(fake.requests.map((r) => [r.path, r.errcode])).toEqual([
      ['/cgi-bin/token', undefined],
      ['/cgi-bin/message/template/send', 0],
      ['/cgi-bin/message/template/send', 42001],
      ['/cgi-bin/token', undefined],
      ['/cgi-bin/message/template/send', 0],
    ]);
  });

  it('is shared by concurrent sends: one fetch at first, one refresh when all are refused', async () => {
    const provider = wechatMpProvider(cfg, { now });
    await Promise.all(Array.from({ length: 8 }, () => provider.send(received(fakeOpenid()), clock)));
    expect(fake.tokensIssued).toHaveLength(1);
    fake.expireTokens();
    await Promise.all(Array.from({ length: 8 }, () => provider.send(received(fakeOpenid()), clock)));
    expect(fake.sent).toHaveLength(16);
    expect(fake.tokensIssued).toHaveLength(2);
  });

  it('WechatAccessToken: invalidate(stale) leaves a newer token alone; invalidate() forgets it', async () => {
    const tokens = new WechatAccessToken(cfg, { now });
    const first = await tokens.get();
    tokens.invalidate();
    const second = await tokens.get();
    expect(second).not.toBe(first);
    tokens.invalidate(first);
    expect(await tokens.get()).toBe(second);
    expect(fake.tokensIssued).toEqual([first, second]);
  });

  it('a wrong secret is not retryable and the secret is not in the error', async () => {
    const provider = wechatMpProvider({ ...cfg, appSecret: 'wrong0secret0wrong0secret0wrong00' }, { now });
    secrets.push('wrong0secret0wrong0secret0wrong00');
    const e = await failure(provider.send(received(fakeOpenid()), clock));
    expect(e.retryable).toBe(false);
    expect(e.code).toBe('40125');
    const badApp = await failure(new WechatAccessToken({ ...cfg, appId: 'wx0000000000000000' }).get());
    expect([badApp.retryable, badApp.code]).toEqual([false, '40013']);
  });
});

/** Long enough for a loaded machine to answer, short enough that a hang test stays quick. */
const HANG_TIMEOUT_MS = 1000;

describe('failures', () => {
  it.each([
    ['http500', 'http_500'],
    ['busy', '-1'],
    ['quota', '45009'],
    ['hang', 'timeout'],
  ] as const)('%s on the template send is retryable (%s), and the next send goes through', async (how, code) => {
    const provider = wechatMpProvider(how === 'hang' ? { ...cfg, timeoutMs: HANG_TIMEOUT_MS } : cfg, { now });
    const to = fakeOpenid();
    secrets.push(to);
    await provider.send(received(fakeOpenid()), clock);
    fake.failNext(1, how);
    const e = await failure(provider.send(received(to), clock));
    expect([e.retryable, e.code]).toEqual([true, code]);
    await provider.send(received(to), clock);
    expect(fake.sent).toHaveLength(2);
    expect(fake.tokensIssued).toHaveLength(1);
  });

  it.each(['http500', 'busy', 'hang'] as const)('%s on the token fetch is retryable', async (how) => {
    const provider = wechatMpProvider(how === 'hang' ? { ...cfg, timeoutMs: HANG_TIMEOUT_MS } : cfg, { now });
    fake.failNext(1, how);
    const e = await failure(provider.send(received(fakeOpenid()), clock));
    expect(e.retryable).toBe(true);
    await provider.send(received(fakeOpenid()), clock);
    expect(fake.sent).toHaveLength(1);
  });

  it('a network error is retryable', async () => {
    const provider = wechatMpProvider({ ...cfg, apiBase: fake.apiBase }, { now });
    await fake.close();
    const e = await failure(provider.send(received(fakeOpenid()), clock));
    expect([e.retryable, e.code]).toEqual([true, 'network']);
    fake = await startFakeWechat({ appId: APP_ID, appSecret: APP_SECRET, templates: {} }); // for afterEach
  });

  it('43004 (not following the account), an unknown template and a bad openid are not retryable; no openid in full', async () => {
    const provider = wechatMpProvider(cfg, { now });
    const gone = fakeOpenid();
    secrets.push(gone);
    fake.unsubscribe(gone);
    const e = await failure(provider.send(received(gone), clock));
    expect([e.retryable, e.code]).toEqual([false, '43004']);
    expect(e.message).toContain(gone.slice(-4));

    const other = wechatMpProvider({ ...cfg, templates: { ...TEMPLATES, parcel_received: 'TPL_unknown' } }, { now });
    const t = await failure(other.send(received(fakeOpenid()), clock));
    expect([t.retryable, t.code]).toEqual([false, '40037']);

    const odd = 'x_not_an_openid_of_this_account';
    secrets.push(odd);
    const o = await failure(provider.send(received(odd), clock));
    expect([o.retryable, o.code]).toEqual([false, '40003']);
    expect(fake.sent).toHaveLength(0);
  });
});

describe('web authorization', () => {
  it('authorizeUrl has the documented shape, the redirect encoded', () => {
    const oauth = wechatOAuth(cfg);
    expect(oauth.authorizeUrl('https://kd.example.cn/r/wechat?next=/parcels&x=1', 'abc123')).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef' +
        '&redirect_uri=https%3A%2F%2Fkd.example.cn%2Fr%2Fwechat%3Fnext%3D%2Fparcels%26x%3D1' +
        '&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect',
    );
    expect(wechatOAuth({ ...cfg, oauthBase: 'http://127.0.0.1:9/' }).authorizeUrl('https://a.cn/', 's')).toMatch(
      /^http:\/\/127\.0\.0\.1:9\/connect\/oauth2\/authorize\?appid=/,
    );
    expect(() => oauth.authorizeUrl('https://a.cn/', 'not&ok')).toThrow(RangeError);
  });

  it('a code the fake issued gives its openid, once; an unknown code is an error without the code in it', async () => {
    const oauth = wechatOAuth(cfg);
    const openid = fakeOpenid();
    const code = fake.issueCode(openid);
    secrets.push(openid, code);
    expect(await oauth.openidForCode(code)).toBe(openid);
    const again = await failure(oauth.openidForCode(code));
    expect([again.retryable, again.code]).toEqual([false, '40163']);
    const unknown = await failure(oauth.openidForCode('nosuchcode0000000000'));
    expect([unknown.retryable, unknown.code]).toEqual([false, '40029']);
    expect(unknown.message).not.toContain('nosuchcode0000000000');
    const wrong = await failure(wechatOAuth({ ...cfg, appSecret: 'nope-nope-nope' }).openidForCode(fake.issueCode(openid)));
    expect([wrong.retryable, wrong.code]).toEqual([false, '40125']);
  });

  it('a busy WeChat during the exchange is retryable', async () => {
    fake.failNext(1, 'busy');
    const e = await failure(wechatOAuth(cfg).openidForCode(fake.issueCode(fakeOpenid())));
    expect(e.retryable).toBe(true);
  });
});

describe('template values', () => {
  it('are cut to what each kind of template key takes, with an ellipsis', () => {
    const rule = '24小时内免费保管，超时按2元/天收取保管费';
    expect(fitValue('thing6', rule)).toBe(`${[...rule].slice(0, 19).join('')}…`);
    expect([...fitValue('thing6', rule)]).toHaveLength(20);
    expect(fitValue('character_string5', '123456')).toBe('123456');
    expect(fitValue('keyword6', rule)).toBe(rule);
  });
});
