import type { Agent } from 'node:http';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { maskDigits } from '../../logging.js';
import { PARAM_ORDER, ProviderError, templateOf, type MessageKind, type MessageProvider, type OutgoingMessage, type Templates } from './provider.js';

/** How to reach Tencent Cloud SMS and which of its registered templates each kind of message uses. */
export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  /** The SMS application's SdkAppId (短信应用 SDK AppID), e.g. 1400006666. */
  sdkAppId: string;
  /** The approved signature's text (签名内容), not its id. */
  signName: string;
  /** Default 'ap-guangzhou'. */
  region?: string;
  /**
   * host[:port], default 'sms.tencentcloudapi.com'. The SDK takes the product name for the signature's
   * credential scope from the host's first label, so the host must begin with `sms.`.
   */
  endpoint?: string;
  /** Default 'https:'; the tests' fake server speaks plain http. */
  protocol?: 'https:' | 'http:';
  /** The approved template id of each kind; its `{1}`, `{2}` … follow PARAM_ORDER. */
  templates: Templates<MessageKind>;
  /** Per request, default 5000. */
  timeoutMs?: number;
  /** The connection agent (a proxy's; in tests one that resolves the fake's host name). Default: Node's. */
  agent?: Agent;
}

type SmsClient = InstanceType<typeof sms.v20210111.Client>;
type SendSmsResponse = Awaited<ReturnType<SmsClient['SendSms']>>;

/** Sends SMS through Tencent Cloud's SendSms (API 2021-01-11) with the approved templates. */
export function tencentSmsProvider(cfg: TencentSmsConfig): MessageProvider {
  const timeoutMs = cfg.timeoutMs ?? 5000;
  const client = new sms.v20210111.Client({
    credential: { secretId: cfg.secretId, secretKey: cfg.secretKey },
    region: cfg.region ?? 'ap-guangzhou',
    profile: {
      httpProfile: {
        reqMethod: 'POST',
        endpoint: cfg.endpoint ?? 'sms.tencentcloudapi.com',
        // The SDK wants the scheme with its slashes ('https://').
        protocol: `${cfg.protocol ?? 'https:'}//`,
        // In seconds; node-fetch aborts the request (and the body's reading) when it runs out.
        reqTimeout: timeoutMs / 1000,
        ...(cfg.agent ? { agent: cfg.agent } : {}),
      },
    },
  });

  return {
    name: 'tencent-sms',
    async send(msg: OutgoingMessage) {
      if (msg.channel !== 'sms') throw new Error(`tencent-sms provider given a ${msg.channel} message`);
      const templateId = templateOf(cfg.templates, msg.kind, 'Tencent SMS');
      const templateParams = PARAM_ORDER[msg.kind].map((key) => {
        const value = msg.params[key];
        // A missing value is a bug in whoever rendered the message, not something Tencent should see.
        if (value === undefined) throw new Error(`${msg.kind} message without its ${key} template value`);
        return value;
      });

      let res: SendSmsResponse;
      try {
        res = await client.SendSms({
          PhoneNumberSet: [`+86${msg.to}`],
          SmsSdkAppId: cfg.sdkAppId,
          SignName: cfg.signName,
          TemplateId: templateId,
          TemplateParamSet: templateParams,
        });
      } catch (err) {
        throw fromSdkError(err);
      }

      const status = res.SendStatusSet?.[0];
      if (!status) {
        // Tencent answers one status per number; without it nothing says whether the text went out.
        throw new ProviderError(`Tencent SMS answered without a send status (RequestId ${res.RequestId ?? '?'})`, true, 'NoSendStatus');
      }
      if (status.Code === 'Ok') return;
      const code = status.Code ?? 'Unknown';
      throw new ProviderError(describe(code, status.Message, res.RequestId), isRetryable(code), code);
    },
  };
}

/** Tencent's error codes, whole or by their first part, that sending the same message again cannot fix. */
const PERMANENT = new Set([
  'AuthFailure', // wrong key, clock more than 5 minutes off, key disabled
  'UnauthorizedOperation', // the SdkAppId is not this account's, IP allowlist, app disabled
  'InvalidParameter',
  'InvalidParameterValue', // IncorrectPhoneNumber, TemplateParameterFormatError, …
  'MissingParameter',
  'UnknownParameter',
  'UnsupportedOperation',
  'UnsupportedRegion',
  'InvalidAction',
  'NoSuchVersion',
  'ActionOffline',
  'InvalidRequest',
  'IpInBlacklist',
  'IpNotInWhitelist',
  'ResourceNotFound',
  'FailedOperation', // TemplateIncorrectOrUnapproved, SignatureIncorrectOrUnapproved, PhoneNumberInBlacklist, …
  // More than 200 numbers in one request: the request itself is wrong, however long one waits.
  'LimitExceeded.PhoneNumberCountLimit',
]);

/** Exceptions inside a permanent family: conditions that lift by themselves or by someone's hand. */
const TRANSIENT = new Set([
  // The package ran out: once someone buys more, the waiting notices should still go out.
  'FailedOperation.InsufficientBalanceInSmsPackage',
]);

/**
 * Whether a Tencent error code can clear up on a later try: rate limits (LimitExceeded.*,
 * RequestLimitExceeded), Tencent's own failures (InternalError.*) and codes this table does not know.
 */
function isRetryable(code: string): boolean {
  if (TRANSIENT.has(code)) return true;
  if (PERMANENT.has(code)) return false;
  const family = code.split('.')[0] ?? code;
  return !PERMANENT.has(family);
}

/** Tencent's code and message, digits masked: Tencent may quote the number back. */
function describe(code: string, message: string | undefined, requestId: string | undefined): string {
  const text = `Tencent SMS ${code}: ${message ?? ''}${requestId ? ` (RequestId ${requestId})` : ''}`;
  return maskDigits(text);
}

/** What the SDK's TencentCloudSDKHttpException carries (the package does not export the class). */
interface SdkErrorFields {
  message: string;
  code?: unknown;
  httpCode?: unknown;
  requestId?: unknown;
}

/**
 * The SDK's exception as a ProviderError. Its `code` is Tencent's error code when Tencent answered;
 * `httpCode` is set when the HTTP status was not 200; neither is set for network errors and timeouts.
 * The SDK error is not kept as the cause: its message is unmasked and the outbox logs errors whole.
 */
function fromSdkError(err: unknown): ProviderError {
  if (!(err instanceof Error)) return new ProviderError(maskDigits(`Tencent SMS failed: ${String(err)}`), true);
  const e: SdkErrorFields = err;
  const requestId = typeof e.requestId === 'string' && e.requestId ? e.requestId : undefined;
  if (typeof e.code === 'string' && e.code) {
    return new ProviderError(describe(e.code, e.message, requestId), isRetryable(e.code), e.code);
  }
  if (typeof e.httpCode === 'number') {
    const status = e.httpCode;
    // 5xx: Tencent's side or a gateway; 408/429: ask again later. Other statuses will not change.
    const retryable = status >= 500 || status === 408 || status === 429;
    return new ProviderError(maskDigits(`Tencent SMS HTTP ${status} ${e.message}`), retryable, `HTTP${status}`);
  }
  // node-fetch's timeout reads "network timeout at: <url>"; anything else is a connection failure or
  // an answer that was not Tencent's JSON (a proxy's page): worth another try either way.
  const timedOut = /timeout/i.test(e.message);
  return new ProviderError(maskDigits(`Tencent SMS ${timedOut ? 'timed out' : 'request failed'}: ${e.message}`), true, timedOut ? 'Timeout' : 'Network');
}
