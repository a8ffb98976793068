import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { PARAM_ORDER, type MessageKind } from '../../src/server/modules/notifications/provider.js';

// A stand-in for sms.tencentcloudapi.com's SendSms (API 2021-01-11) that refuses what Tencent
// refuses: it verifies each request's TC3-HMAC-SHA256 signature as Tencent's "签名方法 v3" documents
// it, the 5-minute timestamp window, the action, version and region headers, and the app, signature
// and templates it was told about; it answers in Tencent's JSON shapes (errors with HTTP 200).

/** The only service this fake is, as it appears in the credential scope `date/sms/tc3_request`. */
const SERVICE = 'sms';
/** Regions SMS is offered in; others get UnsupportedRegion. */
const SMS_REGIONS = ['ap-guangzhou', 'ap-beijing', 'ap-nanjing'];
/**
 * The fake's host name. The SDK takes the service of the credential scope from the endpoint's first
 * label, so a bare `127.0.0.1:port` would be signed for service "127": the name must begin with `sms.`.
 * `.test` is reserved, so the name never reaches a real server; `agent` resolves it to 127.0.0.1.
 */
export const FAKE_TENCENT_HOST = 'sms.fake-tencent.test';

/** One message the fake accepted, as Tencent would have sent it. */
export interface FakeSentSms {
  /** As the request gave it: E.164, `+86…`. */
  phone: string;
  templateId: string;
  params: string[];
  signName: string;
  sdkAppId: string;
  region: string;
  at: Date;
  /**
   * The label of the proxy tunnel the request came through (the user name of `proxyUrlFor(label)`),
   * or null when it came straight to the fake: tells apart which process sent it.
   */
  via: string | null;
}

/** A request the fake turned away, with the reason in words (more than Tencent tells). */
export interface FakeRejection {
  code: string;
  reason: string;
}

/** What the next requests suffer instead of the normal handling. */
export type FakeFailure =
  /** An HTTP error status with a non-Tencent body, before any check (a gateway's answer). */
  | { kind: 'http'; status: number }
  /** No answer at all until `ms` passes (default: until close), before any check. */
  | { kind: 'hang'; ms?: number }
  /** After all checks pass: the number's entry in SendStatusSet carries this code. */
  | { kind: 'status'; code: string; message?: string }
  /** After all checks pass: the whole request fails with Response.Error of this code. */
  | { kind: 'error'; code: string; message?: string };

/** A made-up Tencent Cloud account (key pair, SMS app, signature, templates) for the fake and its clients. */
export const FAKE_TENCENT_ACCOUNT = {
  secretId: 'AKIDfakeTencentSmsTest0001',
  secretKey: 'fakeSecretKeyForTheTencentSmsTest',
  sdkAppId: '1400006666',
  signName: '快递代收',
  templates: {
    otp: '1000001',
    parcel_received: '1000002',
    parcel_rejected: '1000003',
    pickup_reminder: '1000004',
    parcel_returned: '1000005',
    parcel_stale: '1000006',
    parcel_due_back: '1000007',
    household_added: '1000008',
    shipment_quoted: '1000009',
    shipment_handed_over: '1000010',
  },
} as const;

/** What the fake knows: the account's key pair, its app, its approved signature and templates. */
export interface FakeTencentSmsOptions {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  /** The approved template id of each kind; each takes PARAM_ORDER[kind].length values. */
  templates: Record<MessageKind, string>;
  /** The fake's clock in ms (default Date.now), to try the 5-minute timestamp window. */
  now?: () => number;
}

/**
 * A running fake: point the provider at `endpoint` through `agent`, or, from a child process that
 * cannot be handed an agent, through the fake as HTTP proxy (`http_proxy=<proxyUrl>`).
 */
export interface FakeTencentSms {
  /** `sms.fake-tencent.test:<port>`, for the provider's `endpoint` (with protocol 'http:'). */
  endpoint: string;
  port: number;
  /** Resolves FAKE_TENCENT_HOST to 127.0.0.1; give it to the provider as `agent`. */
  agent: http.Agent;
  /**
   * `http://127.0.0.1:<port>`: the fake is also an HTTP proxy that tunnels (CONNECT) to
   * `endpoint` and nowhere else. The SDK honours `http_proxy`, so a server process can reach the fake.
   */
  proxyUrl: string;
  /** proxyUrl with `label` (letters, digits, _ and -) as its user name; what comes through it is recorded with `via: label`. */
  proxyUrlFor(label: string): string;
  /** CONNECT targets the proxy refused (403), oldest first. */
  refusedTunnels: string[];
  /** Every message accepted, oldest first. */
  sent: FakeSentSms[];
  /** Every request refused by a check (not injected failures), oldest first. */
  rejected: FakeRejection[];
  /** Requests received, injected failures included. */
  requests: number;
  /** The next `n` requests fail as `how` says; later calls queue after earlier ones. */
  failNext(n: number, how: FakeFailure): void;
  /** Injected failures not yet used up. */
  readonly pendingFailures: number;
  close(): Promise<void>;
}

/** The parts of a request that TC3-HMAC-SHA256 signs. */
export interface Tc3Input {
  secretKey: string;
  service: string;
  /** X-TC-Timestamp, seconds. */
  timestamp: number;
  method: string;
  /** Always '/' for API 3.0. */
  uri: string;
  query: string;
  /** Header name → value, exactly the signed headers. */
  headers: Record<string, string>;
  payload: Buffer | string;
}

/** Each step of Tencent's signature v3, so a test can compare them with the documented example. */
export interface Tc3Result {
  canonicalRequest: string;
  hashedPayload: string;
  credentialScope: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** The UTC date of a timestamp (seconds), as the credential scope writes it: Tencent insists on UTC. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * TC3-HMAC-SHA256 as Tencent documents it: the canonical request (method, URI, query, headers
 * lowercased and sorted as `key:value\n`, signed header names, hex SHA-256 of the payload), the
 * string to sign (algorithm, timestamp, `date/service/tc3_request`, hex SHA-256 of the canonical
 * request), and the key chain HMAC("TC3" + SecretKey, date) → service → "tc3_request".
 */
export function tc3Sign(input: Tc3Input): Tc3Result {
  const headers = Object.entries(input.headers)
    .map(([k, v]) => [k.toLowerCase().trim(), v.toLowerCase().trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([k, v]) => `${k}:${v}\n`).join('');
  const signedHeaders = headers.map(([k]) => k).join(';');
  const hashedPayload = sha256Hex(input.payload);
  const canonicalRequest = [input.method, input.uri, input.query, canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  const date = tc3Date(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const secretSigning = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', secretSigning).update(stringToSign, 'utf8').digest('hex');
  return { canonicalRequest, hashedPayload, credentialScope, stringToSign, signedHeaders, signature };
}

/** Tencent's own wording for the errors the fake gives. */
const MESSAGES: Record<string, string> = {
  'AuthFailure.InvalidAuthorization': 'Authorization header is not in the TencentCloud API standard form.',
  'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.SignatureExpire': 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.',
  'AuthFailure.SignatureFailure': 'The provided credentials could not be validated. Please check your signature is correct.',
  InvalidAction: 'The action requested is not valid for this service.',
  NoSuchVersion: 'The requested version does not exist or is not supported.',
  UnsupportedRegion: 'The service is not supported in the requested region.',
  MissingParameter: 'A required parameter is missing.',
  InvalidParameter: 'A parameter is invalid.',
  'FailedOperation.JsonParseFail': 'Failed to parse the request body.',
  'InvalidParameterValue.SdkAppIdNotExist': 'SdkAppId not exist.',
  'FailedOperation.SignatureIncorrectOrUnapproved': 'signature format error or signature not approved',
  'FailedOperation.TemplateIncorrectOrUnapproved': 'template format error or template not approved',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': 'the number of template parameters does not match the approved template',
  'InvalidParameterValue.TemplateParameterFormatError': 'verification code template parameter format error',
  'InvalidParameterValue.IncorrectPhoneNumber': 'incorrect number format',
};

class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Parses `TC3-HMAC-SHA256 Credential=id/scope, SignedHeaders=a;b, Signature=hex`. */
function parseAuthorization(value: string | undefined): { secretId: string; scope: string; signedHeaders: string[]; signature: string } {
  const m = /^TC3-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/.exec(value ?? '');
  if (!m) throw new Refusal('AuthFailure.InvalidAuthorization', `Authorization not TC3-HMAC-SHA256: ${value ?? '(none)'}`);
  return { secretId: m[1]!, scope: m[2]!, signedHeaders: m[3]!.split(';'), signature: m[4]! };
}

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** The user name of a `Proxy-Authorization: Basic …` header (https-proxy-agent sends the proxy URL's userinfo), or null. */
function proxyLabel(value: string | undefined): string | null {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(value ?? '');
  if (!m) return null;
  const user = Buffer.from(m[1]!, 'base64').toString('utf8').split(':')[0] ?? '';
  return user || null;
}

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeTencentSms(opts: FakeTencentSmsOptions): Promise<FakeTencentSms> {
  const now = opts.now ?? Date.now;
  const templateKinds = new Map<string, MessageKind>(Object.entries(opts.templates).map(([kind, id]) => [id, kind as MessageKind]));
  const queue: FakeFailure[] = [];
  const hanging = new Set<NodeJS.Timeout>();

  /** Tunnel label by the local port of the tunnel's connection back to the fake (its remote port here). */
  const tunnelLabels = new Map<number, string>();
  /** Open tunnel sockets, both ends: the HTTP server lets go of a socket once it is CONNECTed. */
  const tunnelSockets = new Set<net.Socket>();

  const state: Omit<FakeTencentSms, 'endpoint' | 'port' | 'agent' | 'proxyUrl' | 'proxyUrlFor' | 'close'> = {
    refusedTunnels: [],
    sent: [],
    rejected: [],
    requests: 0,
    failNext(n, how) {
      for (let i = 0; i < n; i++) queue.push(how);
    },
    get pendingFailures() {
      return queue.length;
    },
  };

  /** Everything Tencent checks before it sends; throws a Refusal with Tencent's code. */
  function verify(req: http.IncomingMessage, body: Buffer): { region: string; payload: Record<string, unknown> } {
    if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
      throw new Refusal('InvalidParameter', `${req.method} ${req.url}: SendSms is POST / with a JSON body`);
    }
    const auth = parseAuthorization(header(req, 'authorization'));
    if (auth.secretId !== opts.secretId) throw new Refusal('AuthFailure.SecretIdNotFound', `unknown SecretId ${auth.secretId}`);

    const tsHeader = header(req, 'x-tc-timestamp') ?? '';
    if (!/^\d+$/.test(tsHeader)) throw new Refusal('MissingParameter', `X-TC-Timestamp missing or not a number: ${tsHeader}`);
    const timestamp = Number(tsHeader);
    const skew = Math.abs(now() / 1000 - timestamp);
    if (skew > 300) throw new Refusal('AuthFailure.SignatureExpire', `X-TC-Timestamp ${timestamp} is ${Math.round(skew)} s from the server's clock`);

    // Tencent requires both of these among the signed headers; the SDK signs exactly these two.
    for (const required of ['content-type', 'host']) {
      if (!auth.signedHeaders.includes(required))
        throw new Refusal('AuthFailure.SignatureFailure', `SignedHeaders ${auth.signedHeaders.join(';')} lacks ${required}`);
    }
    const signed: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      let value = header(req, name);
      if (value === undefined) throw new Refusal('AuthFailure.SignatureFailure', `signed header ${name} not sent`);
      // The SDK signs the URL's hostname while its Host header carries the port too. At Tencent's
      // port 443 the two are one string; on the fake's port, compare what the SDK signed.
      if (name === 'host') value = value.replace(/:\d+$/, '');
      signed[name] = value;
    }
    const expected = tc3Sign({
      secretKey: opts.secretKey,
      service: SERVICE,
      timestamp,
      method: 'POST',
      uri: '/',
      query: '',
      headers: signed,
      payload: body,
    });
    if (auth.scope !== expected.credentialScope) {
      throw new Refusal('AuthFailure.SignatureFailure', `credential scope ${auth.scope}, expected ${expected.credentialScope}`);
    }
    if (!timingSafeEqual(Buffer.from(auth.signature, 'hex'), Buffer.from(expected.signature, 'hex'))) {
      throw new Refusal('AuthFailure.SignatureFailure', 'signature does not match the request (wrong SecretKey, or the request changed after signing)');
    }

    const action = header(req, 'x-tc-action');
    if (action !== 'SendSms') throw new Refusal('InvalidAction', `X-TC-Action ${action ?? '(none)'}; this fake only knows SendSms`);
    const version = header(req, 'x-tc-version');
    if (version !== '2021-01-11') throw new Refusal('NoSuchVersion', `X-TC-Version ${version ?? '(none)'}; expected 2021-01-11`);
    const region = header(req, 'x-tc-region');
    if (!region) throw new Refusal('MissingParameter', 'X-TC-Region missing');
    if (!SMS_REGIONS.includes(region)) throw new Refusal('UnsupportedRegion', `region ${region}`);
    if (!/^application\/json\b/i.test(header(req, 'content-type') ?? '')) {
      throw new Refusal('InvalidParameter', `Content-Type ${header(req, 'content-type') ?? '(none)'}; expected application/json`);
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new Refusal('FailedOperation.JsonParseFail', 'body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new Refusal('FailedOperation.JsonParseFail', 'body is not a JSON object');
    return { region, payload: payload as Record<string, unknown> };
  }

  /** SendSms itself: the request's fields against the app, signature and templates the fake knows. */
  function sendSms(payload: Record<string, unknown>, region: string, requestId: string, via: string | null): unknown {
    const str = (name: string, required: boolean): string | undefined => {
      const v = payload[name];
      if (v === undefined) {
        if (required) throw new Refusal('MissingParameter', `${name} missing`);
        return undefined;
      }
      if (typeof v !== 'string') throw new Refusal('InvalidParameter', `${name} is not a string`);
      return v;
    };
    const strings = (name: string, required: boolean): string[] => {
      const v = payload[name];
      if (v === undefined && !required) return [];
      if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
        throw new Refusal(v === undefined ? 'MissingParameter' : 'InvalidParameter', `${name} is not an array of strings`);
      }
      return v;
    };
    const phones = strings('PhoneNumberSet', true);
    const sdkAppId = str('SmsSdkAppId', true)!;
    const templateId = str('TemplateId', true)!;
    const signName = str('SignName', false);
    const params = strings('TemplateParamSet', false);
    if (phones.length === 0) throw new Refusal('MissingParameter', 'PhoneNumberSet empty');
    if (phones.length > 200) throw new Refusal('LimitExceeded.PhoneNumberCountLimit', `${phones.length} numbers in one request`);

    if (sdkAppId !== opts.sdkAppId) throw new Refusal('InvalidParameterValue.SdkAppIdNotExist', `SmsSdkAppId ${sdkAppId}`);
    // Mainland numbers need the approved signature's text.
    if (signName !== opts.signName) throw new Refusal('FailedOperation.SignatureIncorrectOrUnapproved', `SignName ${signName ?? '(none)'}`);
    const kind = templateKinds.get(templateId);
    if (!kind) throw new Refusal('FailedOperation.TemplateIncorrectOrUnapproved', `TemplateId ${templateId}`);
    if (params.length !== PARAM_ORDER[kind].length) {
      throw new Refusal(
        'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
        `template ${templateId} (${kind}) takes ${PARAM_ORDER[kind].length} values, got ${params.length}`,
      );
    }
    // A verification-code template (the otp one) takes only up to 6 digits per variable.
    if (kind === 'otp' && !params.every((p) => /^\d{0,6}$/.test(p))) {
      throw new Refusal('InvalidParameterValue.TemplateParameterFormatError', `otp template values must be 0-6 digits`);
    }

    const injected = queue[0]?.kind === 'status' || queue[0]?.kind === 'error' ? queue.shift() : undefined;
    if (injected?.kind === 'error') throw new Refusal(injected.code, injected.message ?? MESSAGES[injected.code] ?? injected.code);

    const SendStatusSet = phones.map((phone) => {
      if (injected?.kind === 'status') {
        return { SerialNo: '', PhoneNumber: phone, Fee: 0, SessionContext: '', Code: injected.code, Message: injected.message ?? injected.code, IsoCode: 'CN' };
      }
      if (!/^\+861[3-9]\d{9}$/.test(phone)) {
        return {
          SerialNo: '',
          PhoneNumber: phone,
          Fee: 0,
          SessionContext: '',
          Code: 'InvalidParameterValue.IncorrectPhoneNumber',
          Message: MESSAGES['InvalidParameterValue.IncorrectPhoneNumber'],
          IsoCode: 'DEF',
        };
      }
      state.sent.push({ phone, templateId, params, signName: signName ?? '', sdkAppId, region, at: new Date(now()), via });
      return {
        SerialNo: `2640:${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        PhoneNumber: phone,
        Fee: 1,
        SessionContext: '',
        Code: 'Ok',
        Message: 'send success',
        IsoCode: 'CN',
      };
    });
    return { Response: { SendStatusSet, RequestId: requestId } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const requestId = randomUUID();
      const answer = (status: number, body: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };

      const first = queue[0];
      if (first?.kind === 'http') {
        queue.shift();
        res.writeHead(first.status, { 'Content-Type': 'text/html' });
        res.end(`<html><body>${first.status}</body></html>`);
        return;
      }
      if (first?.kind === 'hang') {
        queue.shift();
        if (first.ms !== undefined) {
          const t = setTimeout(() => {
            hanging.delete(t);
            answer(200, { Response: { Error: { Code: 'InternalError.Timeout', Message: 'late answer' }, RequestId: requestId } });
          }, first.ms);
          hanging.add(t);
        }
        return;
      }

      try {
        const { region, payload } = verify(req, Buffer.concat(chunks));
        const via = req.socket.remoteAddress === '127.0.0.1' ? (tunnelLabels.get(req.socket.remotePort ?? -1) ?? null) : null;
        answer(200, sendSms(payload, region, requestId, via));
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        state.rejected.push({ code: err.code, reason: err.reason });
        // Tencent answers its errors with HTTP 200 and the code in Response.Error.
        answer(200, { Response: { Error: { Code: err.code, Message: MESSAGES[err.code] ?? err.reason }, RequestId: requestId } });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `${FAKE_TENCENT_HOST}:${port}`;

  // The proxy side: CONNECT to the fake's own name and port only (an open proxy on a test machine
  // would forward anything). The tunnel is a new TCP connection back to the fake, so the request
  // inside it goes through every check above exactly as a direct one does.
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnelSockets.add(client);
    client.once('close', () => tunnelSockets.delete(client));
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    if (target !== endpoint) {
      state.refusedTunnels.push(target);
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const label = proxyLabel(header(req, 'proxy-authorization'));
    const upstream = net.connect(port, '127.0.0.1');
    tunnelSockets.add(upstream);
    let localPort: number | undefined;
    upstream.once('connect', () => {
      localPort = upstream.localPort;
      // Set before the client hears 200, so before any request can arrive through the tunnel.
      if (label !== null && localPort !== undefined) tunnelLabels.set(localPort, label);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('close', () => {
      tunnelSockets.delete(upstream);
      if (localPort !== undefined) tunnelLabels.delete(localPort);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  });

  // Only the fake's name resolves, and only to the fake: a request meant for anything else fails.
  const agent = new http.Agent({
    lookup: (hostname, options, callback) => {
      if (hostname !== FAKE_TENCENT_HOST) {
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
        return;
      }
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    },
  });

  return Object.assign(state, {
    endpoint,
    port,
    agent,
    proxyUrl: `http://127.0.0.1:${port}`,
    proxyUrlFor(label: string) {
      // Plain labels only: the URL's user name must come back from the header unchanged.
      if (!/^[\w-]+$/.test(label)) throw new Error(`proxy label ${label}: letters, digits, _ and - only`);
      return `http://${label}@127.0.0.1:${port}`;
    },
    async close() {
      for (const t of hanging) clearTimeout(t);
      hanging.clear();
      agent.destroy();
      for (const s of tunnelSockets) s.destroy();
      tunnelSockets.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
