import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderError, type MessageKind, type OutgoingMessage } from '../src/server/modules/notifications/provider.js';
import { tencentSmsProvider, type TencentSmsConfig } from '../src/server/modules/notifications/tencent-sms.js';
import { FAKE_TENCENT_ACCOUNT, startFakeTencentSms, tc3Sign, type FakeTencentSms } from './support/fake-tencent-sms.js';

// The Tencent SMS provider, through the real SDK, against a local server that checks requests as
// Tencent does (signature v3, timestamp window, action/version/region, app, signature, templates).

const ACCOUNT = FAKE_TENCENT_ACCOUNT;

const PHONE = '13812345678';
const now = new Date();

let fake: FakeTencentSms;
const consoleCalls: unknown[][] = [];

beforeAll(async () => {
  fake = await startFakeTencentSms(ACCOUNT);
  // The SDK must not print anything of a message either (it has no logger of ours to go through).
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await fake.close();
  const printed = JSON.stringify(consoleCalls);
  expect(printed).not.toContain(PHONE);
});

afterEach(() => {
  // A test that left failures queued would make the next one fail for the wrong reason.
  expect(fake.pendingFailures).toBe(0);
});

function provider(over: Partial<TencentSmsConfig> = {}) {
  return tencentSmsProvider({ ...ACCOUNT, endpoint: fake.endpoint, protocol: 'http:', agent: fake.agent, timeoutMs: 2000, ...over });
}

function message(kind: MessageKind, params: Record<string, string>, to = PHONE): OutgoingMessage {
  return { channel: 'sms', to, kind, params, text: `(${kind})` };
}

const otp = () => message('otp', { code: '482913', minutes: '5' });

/** The ProviderError a send fails with; fails the test if it succeeds or throws anything else. */
async function refusal(send: Promise<void>): Promise<ProviderError> {
  const err = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  const pe = err as ProviderError;
  // Whatever went wrong, the full number never appears in what the outbox would log.
  expect(pe.message).not.toContain(PHONE);
  expect(JSON.stringify(pe)).not.toContain(PHONE);
  expect(String(pe.stack)).not.toContain(PHONE);
  return pe;
}

describe('the fake verifies signatures as Tencent documents them', () => {
  it('reproduces each step of the documented example (签名方法 v3, CVM DescribeInstances)', () => {
    // The values published in Tencent's signature v3 document for this request.
    const r = tc3Sign({
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      timestamp: 1551113065,
      method: 'POST',
      uri: '/',
      query: '',
      headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' },
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(r.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(r.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(r.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(r.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
  });

  it('refuses a provider with the wrong SecretKey: AuthFailure.SignatureFailure, not retryable', async () => {
    const before = fake.sent.length;
    const err = await refusal(provider({ secretKey: 'notTheAccountsSecretKey' }).send(otp(), now));
    expect(err.code).toBe('AuthFailure.SignatureFailure');
    expect(err.retryable).toBe(false);
    expect(fake.sent.length).toBe(before);
    expect(fake.rejected.at(-1)?.reason).toMatch(/signature does not match/);
  });

  it('refuses a provider whose SecretId it does not know', async () => {
    const err = await refusal(provider({ secretId: 'AKIDsomeoneElse' }).send(otp(), now));
    expect(err.code).toBe('AuthFailure.SecretIdNotFound');
    expect(err.retryable).toBe(false);
  });

  it('refuses a request signed more than 5 minutes from its clock: AuthFailure.SignatureExpire', async () => {
    const skewed = await startFakeTencentSms({ ...ACCOUNT, now: () => Date.now() + 6 * 60_000 });
    try {
      const err = await refusal(provider({ endpoint: skewed.endpoint, agent: skewed.agent }).send(otp(), now));
      expect(err.code).toBe('AuthFailure.SignatureExpire');
      expect(err.retryable).toBe(false);
      expect(skewed.sent).toEqual([]);
    } finally {
      await skewed.close();
    }
  });

  it("refuses an endpoint not named sms.*: the SDK signs the host's first label as the service", async () => {
    // Straight to the port: no agent needed, but the credential scope says service "127".
    const err = await refusal(provider({ endpoint: `127.0.0.1:${fake.port}`, agent: undefined }).send(otp(), now));
    expect(err.code).toBe('AuthFailure.SignatureFailure');
    expect(fake.rejected.at(-1)?.reason).toMatch(/\/127\/tc3_request, expected .*\/sms\/tc3_request/);
  });
});

describe('tencentSmsProvider', () => {
  it('sends each kind with its template id, the values in PARAM_ORDER order and the +86 number', async () => {
    const p = provider();
    const cases: Array<[MessageKind, Record<string, string>, string[]]> = [
      ['otp', { minutes: '5', code: '482913' }, ['482913', '5']],
      [
        'parcel_received',
        { pickupCode: 'A-3-0412', feeRule: '免费保管', carrier: '顺丰', community: '华润城', trackingTail: '7788', collectionPoint: '北门驿站' },
        ['华润城', '北门驿站', '顺丰', '7788', 'A-3-0412', '免费保管'],
      ],
      [
        'parcel_rejected',
        { reason: '查无此人', recipient: '尾号5678', trackingNo: 'SF1234567890', community: '华润城' },
        ['华润城', 'SF1234567890', '尾号5678', '查无此人'],
      ],
      [
        'pickup_reminder',
        { count: '2', feeRule: '免费保管', pickupCodes: 'A-3-0412、B-1-0007', collectionPoint: '北门驿站', community: '华润城' },
        ['华润城', '北门驿站', '2', 'A-3-0412、B-1-0007', '免费保管'],
      ],
    ];
    cases.push(
      [
        'parcel_returned',
        { reason: '超期未取', trackingNo: 'YT9000000001', collectionPoint: '北门驿站', community: '华润城' },
        ['华润城', '北门驿站', 'YT9000000001', '超期未取'],
      ],
      [
        'parcel_stale',
        { days: '7', pickupCode: '482913', trackingTail: '0001', collectionPoint: '北门驿站', community: '华润城' },
        ['华润城', '北门驿站', '0001', '482913', '7'],
      ],
      [
        'parcel_due_back',
        { days: '7', trackingNo: 'YT9000000001', collectionPoint: '北门驿站', community: '华润城' },
        ['华润城', '北门驿站', 'YT9000000001', '7'],
      ],
    );
    for (const [kind, params, expected] of cases) {
      const before = fake.sent.length;
      await p.send(message(kind, params), now);
      expect(fake.sent.length).toBe(before + 1);
      expect(fake.sent.at(-1)).toMatchObject({
        phone: `+86${PHONE}`,
        templateId: ACCOUNT.templates[kind],
        params: expected,
        signName: ACCOUNT.signName,
        sdkAppId: ACCOUNT.sdkAppId,
        region: 'ap-guangzhou',
      });
    }
  });

  it('a template id Tencent has not approved is not retryable', async () => {
    const err = await refusal(provider({ templates: { ...ACCOUNT.templates, otp: '9999999' } }).send(otp(), now));
    expect(err.code).toBe('FailedOperation.TemplateIncorrectOrUnapproved');
    expect(err.retryable).toBe(false);
  });

  it('a notice of an optional kind without its template fails for good, before any request', async () => {
    const { parcel_stale: _unset, ...templates } = ACCOUNT.templates;
    const before = fake.sent.length;
    const err = await refusal(
      provider({ templates }).send(
        {
          channel: 'sms',
          to: PHONE,
          kind: 'parcel_stale',
          params: { community: 'a', collectionPoint: 'b', trackingTail: '1', pickupCode: '2', days: '7' },
          text: 't',
        },
        now,
      ),
    );
    expect([err.code, err.retryable]).toEqual(['no_template', false]);
    expect(fake.sent.length).toBe(before);
  });

  it('HTTP 500 is retryable, and only the next N requests fail', async () => {
    fake.failNext(2, { kind: 'http', status: 500 });
    const p = provider();
    for (let i = 0; i < 2; i++) {
      const err = await refusal(p.send(otp(), now));
      expect(err.retryable).toBe(true);
      expect(err.code).toBe('HTTP500');
    }
    const before = fake.sent.length;
    await p.send(otp(), now);
    expect(fake.sent.length).toBe(before + 1);
  });

  it('a hanging server is a retryable timeout after about timeoutMs', async () => {
    fake.failNext(1, { kind: 'hang' });
    const started = Date.now();
    const err = await refusal(provider({ timeoutMs: 300 }).send(otp(), now));
    const took = Date.now() - started;
    expect(err.code).toBe('Timeout');
    expect(err.retryable).toBe(true);
    expect(took).toBeGreaterThanOrEqual(280);
    // Generous above: a loaded machine may be slow to fire the timer, but nowhere near the SDK default of 60 s.
    expect(took).toBeLessThan(3000);
  });

  it("a per-number IncorrectPhoneNumber is not retryable, and Tencent's message is masked", async () => {
    fake.failNext(1, { kind: 'status', code: 'InvalidParameterValue.IncorrectPhoneNumber', message: `incorrect number format: +86${PHONE}` });
    const err = await refusal(provider().send(otp(), now));
    expect(err.code).toBe('InvalidParameterValue.IncorrectPhoneNumber');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('5678');
  });

  it('the fake itself turns down a number that is not a mainland mobile', async () => {
    const err = await refusal(provider().send(message('otp', { code: '482913', minutes: '5' }, '12345'), now));
    expect(err.code).toBe('InvalidParameterValue.IncorrectPhoneNumber');
    expect(err.retryable).toBe(false);
  });

  it('LimitExceeded.* is retryable', async () => {
    fake.failNext(1, {
      kind: 'status',
      code: 'LimitExceeded.PhoneNumberDailyLimit',
      message: 'the number of SMS messages sent from a single mobile number every day exceeds the upper limit',
    });
    const err = await refusal(provider().send(otp(), now));
    expect(err.code).toBe('LimitExceeded.PhoneNumberDailyLimit');
    expect(err.retryable).toBe(true);
  });

  it('a request-level InternalError is retryable, a blacklisted number is not', async () => {
    fake.failNext(1, { kind: 'error', code: 'InternalError.Timeout' });
    expect((await refusal(provider().send(otp(), now))).retryable).toBe(true);
    fake.failNext(1, { kind: 'status', code: 'FailedOperation.PhoneNumberInBlacklist' });
    expect((await refusal(provider().send(otp(), now))).retryable).toBe(false);
  });

  it('a message for another channel is a programming error, and nothing is sent', async () => {
    const before = fake.requests;
    await expect(provider().send({ ...otp(), channel: 'wechat' }, now)).rejects.toThrow(/wechat/);
    expect(fake.requests).toBe(before);
  });
});
