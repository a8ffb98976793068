import fs from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HTTP_TIMEOUTS, OPEN_API_LIMITS, OTP_LIMITS, OVERLOAD_LIMITS, SMS_CAPS, WEBHOOK_LIMITS } from '../shared/constants.js';
import type { NotificationKind } from './db/types.js';
import type { MessageKind, Templates } from './modules/notifications/provider.js';
import type { DatabaseConfig } from './db/index.js';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// (leave it unset for SQLite)')
    .optional(),
  OPERATOR_TOKEN: z.string().min(16, 'OPERATOR_TOKEN must be at least 16 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMS_PROVIDER: z.enum(['console', 'tencent']).default('console'),
  TENCENT_SMS_SECRET_ID: z.string().optional(),
  TENCENT_SMS_SECRET_KEY: z.string().optional(),
  TENCENT_SMS_SDK_APP_ID: z.string().regex(/^\d+$/, "TENCENT_SMS_SDK_APP_ID is the SMS application's numeric SdkAppId").optional(),
  TENCENT_SMS_SIGN_NAME: z.string().optional(),
  TENCENT_SMS_REGION: z.string().default('ap-guangzhou'),
  TENCENT_SMS_ENDPOINT: z
    .string()
    .regex(/^sms\.[\w.-]+(:\d+)?$/, 'TENCENT_SMS_ENDPOINT is host[:port] starting with sms.')
    .default('sms.tencentcloudapi.com'),
  TENCENT_SMS_PROTOCOL: z.enum(['https', 'http']).default('https'),
  TENCENT_SMS_TEMPLATE_OTP: z.string().optional(),
  TENCENT_SMS_TEMPLATE_RECEIVED: z.string().optional(),
  TENCENT_SMS_TEMPLATE_REJECTED: z.string().optional(),
  TENCENT_SMS_TEMPLATE_REMINDER: z.string().optional(),
  TENCENT_SMS_TEMPLATE_RETURNED: z.string().optional(),
  TENCENT_SMS_TEMPLATE_STALE: z.string().optional(),
  TENCENT_SMS_TEMPLATE_DUE_BACK: z.string().optional(),
  TENCENT_SMS_TEMPLATE_HOUSEHOLD: z.string().optional(),
  TENCENT_SMS_TEMPLATE_SHIPMENT_QUOTED: z.string().optional(),
  TENCENT_SMS_TEMPLATE_SHIPMENT_HANDED_OVER: z.string().optional(),
  WECHAT_PROVIDER: z.enum(['console', 'mp']).default('console'),
  WECHAT_MP_APP_ID: z.string().optional(),
  WECHAT_MP_APP_SECRET: z.string().optional(),
  WECHAT_MP_API_BASE: z.url().default('https://api.weixin.qq.com'),
  WECHAT_MP_OAUTH_BASE: z.url().default('https://open.weixin.qq.com'),
  WECHAT_MP_TEMPLATE_RECEIVED: z.string().optional(),
  WECHAT_MP_TEMPLATE_REJECTED: z.string().optional(),
  WECHAT_MP_TEMPLATE_REMINDER: z.string().optional(),
  WECHAT_MP_TEMPLATE_RETURNED: z.string().optional(),
  WECHAT_MP_TEMPLATE_STALE: z.string().optional(),
  WECHAT_MP_TEMPLATE_DUE_BACK: z.string().optional(),
  WECHAT_MP_KEYS_RECEIVED: z.string().optional(),
  WECHAT_MP_KEYS_REJECTED: z.string().optional(),
  WECHAT_MP_KEYS_REMINDER: z.string().optional(),
  PAY_PROVIDER: z.enum(['console', 'wechat']).default('console'),
  WECHAT_PAY_MCH_ID: z
    .string()
    .regex(/^\d{6,12}$/, 'WECHAT_PAY_MCH_ID is the numeric 商户号')
    .optional(),
  WECHAT_PAY_APP_ID: z
    .string()
    .regex(/^wx[0-9a-zA-Z]{16}$/, "WECHAT_PAY_APP_ID is the official account's AppID (wx…)")
    .optional(),
  WECHAT_PAY_SERIAL: z
    .string()
    .regex(/^[0-9A-Fa-f]{8,40}$/, "WECHAT_PAY_SERIAL is the merchant certificate's serial number (hex)")
    .optional(),
  WECHAT_PAY_PRIVATE_KEY_FILE: z.string().optional(),
  WECHAT_PAY_APIV3_KEY: z.string().length(32, 'WECHAT_PAY_APIV3_KEY is the 32-character APIv3 key').optional(),
  WECHAT_PAY_PLATFORM_SERIAL: z
    .string()
    .regex(/^(PUB_KEY_ID_\w+|[0-9A-Fa-f]{8,40})$/, "WECHAT_PAY_PLATFORM_SERIAL is the platform certificate's serial or the public key's ID (PUB_KEY_ID_…)")
    .optional(),
  WECHAT_PAY_PLATFORM_KEY_FILE: z.string().optional(),
  WECHAT_PAY_NOTIFY_URL: z.url().optional(),
  WECHAT_PAY_API_BASE: z.url().default('https://api.mch.weixin.qq.com/'),
  DEMO_DATA: z.enum(['auto', 'on', 'off']).default('auto'),
  API_DOCS: z.enum(['auto', 'on', 'off']).default('auto'),
  UNIT_GUARD: z.enum(['auto', 'on', 'off']).default('auto'),
  ALLOWED_ORIGINS: z
    .string()
    .regex(/^https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*$/, 'ALLOWED_ORIGINS is a comma-separated list of origins like https://wuye.example.com')
    .optional(),
  TRUST_PROXY: z.string().optional(),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  WEB_DIR: z.string().optional(),
  REMINDER_HOUR: z.coerce.number().int().min(0).max(20).default(10),
  SMS_CAP_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(SMS_CAPS.perHour),
  SMS_CAP_PER_DAY: z.coerce.number().int().min(1).max(10000).default(SMS_CAPS.perDay),
  MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(100_000).default(OVERLOAD_LIMITS.maxInFlight),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(OVERLOAD_LIMITS.perMinute),
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(100_000).default(OVERLOAD_LIMITS.connectionsPerAddress),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(HTTP_TIMEOUTS.headersMs),
  OPEN_API_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(OPEN_API_LIMITS.perMinute),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(HTTP_TIMEOUTS.requestMs),
});

/** The checkout's root: two levels above this file, whether it runs from src/server or dist/server. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `vite build` writes the web apps. */
export const DEFAULT_WEB_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: DatabaseConfig;
  operatorToken: string | undefined;
  /** `Authorization: Bearer` token for GET /metrics; without it /metrics is open outside production and absent in it. */
  metricsToken: string | undefined;
  /** On SIGTERM, how long /readyz answers 503 before the server stops taking requests (for the proxy to notice). */
  shutdownDrainMs: number;
  logLevel: string;
  sms:
    | { provider: 'console' }
    | {
        provider: 'tencent';
        secretId: string;
        secretKey: string;
        sdkAppId: string;
        signName: string;
        region: string;
        endpoint: string;
        protocol: 'https:' | 'http:';
        templates: Templates<MessageKind>;
      };
  wechat:
    | { provider: 'console' }
    | {
        provider: 'mp';
        appId: string;
        appSecret: string;
        apiBase: string;
        oauthBase: string;
        templates: Templates<NotificationKind>;
        keys: Partial<Record<NotificationKind, string[]>>;
      };
  /**
   * Demo data on an empty database: `known` with the README's passwords (development), `random`
   * with passwords printed once that must be changed at the first sign-in (production, only with
   * DEMO_DATA=on), or none.
   */
  demoData: false | 'known' | 'random';
  /** How residents pay (SPEC §16): the console provider (nothing is charged; /api/dev/payments/:id/succeed), or WeChat Pay v3. */
  pay:
    | { provider: 'console' }
    | {
        provider: 'wechat';
        mchId: string;
        appId: string;
        /** The merchant certificate's serial (the requests' signer). */
        serial: string;
        /** PEM of the merchant's private key, of the platform's certificate or public key. */
        privateKey: string;
        platformSerial: string;
        platformKey: string;
        apiV3Key: string;
        notifyUrl: string;
        apiBase: string;
      };
  /** Serve the browsable API page at /docs (off in production unless API_DOCS=on). */
  apiDocs: boolean;
  /** Refuse the outer database inside a unit of work (db/unit-guard.ts; off in production unless UNIT_GUARD=on). */
  unitGuard: boolean;
  /** Origins besides the request's own host from which state-changing requests are accepted. */
  allowedOrigins: string[];
  /** Fastify's trustProxy: false, true, or the proxies' addresses / CIDRs (comma-separated). */
  trustProxy: boolean | string;
  cookieSecure: 'auto' | boolean;
  /** Run the outbox worker and housekeeping on timers (tests drive the outbox by hand). */
  backgroundJobs: boolean;
  otpLimits: { perPhonePerMinute: number; perPhonePerDay: number; perIpPerHour: number };
  /** 催取: the hour (Asia/Shanghai) from which the daily overdue reminders go out. */
  reminderHour: number;
  /** Notification SMS to one phone per hour and per day at most. */
  smsCaps: { perHour: number; perDay: number };
  /** Requests in flight at most, API requests a minute per session or address, open connections per address (0: off). */
  overload: { maxInFlight: number; perMinute: number; connectionsPerAddress: number };
  /** Open API calls a minute per key (0: off), counted in the database. */
  openApi: { perMinute: number };
  /** WEBHOOK_ALLOW_PRIVATE=true: webhooks may go to loopback and private addresses, and over plain http (development, tests). */
  webhooks: { allowPrivate: boolean; timeoutMs: number };
  /** How long a client may take to send a request's headers, and the whole request. */
  timeouts: { headersMs: number; requestMs: number };
  /** The built web apps (admin console …); served when the directory holds them. */
  webDir: string;
};

/** Reads and checks the environment once; exits with a readable message when it is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset (`DATABASE_URL= npm start` means SQLite).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const missing = [
    ...(e.SMS_PROVIDER === 'tencent' ? TENCENT_REQUIRED.filter((k) => !e[k]) : []),
    ...(e.WECHAT_PROVIDER === 'mp' ? WECHAT_REQUIRED.filter((k) => !e[k]) : []),
    ...(e.PAY_PROVIDER === 'wechat' ? PAY_REQUIRED.filter((k) => !e[k]) : []),
  ];
  if (missing.length > 0)
    throw new Error(
      `Invalid configuration:\n${missing.map((k) => `  ${k}: required by ${k.startsWith('TENCENT') ? 'SMS_PROVIDER=tencent' : k.startsWith('WECHAT_PAY') ? 'PAY_PROVIDER=wechat' : 'WECHAT_PROVIDER=mp'}`).join('\n')}`,
    );
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'sqlite', file: path.resolve(e.DATA_DIR, 'kuaidi.sqlite') },
    operatorToken: e.OPERATOR_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    logLevel: e.LOG_LEVEL,
    sms: smsConfig(e),
    wechat: wechatConfig(e),
    pay: payConfig(e),
    demoData: e.DEMO_DATA === 'off' ? false : e.NODE_ENV !== 'production' ? 'known' : e.DEMO_DATA === 'on' ? 'random' : false,
    apiDocs: e.API_DOCS === 'auto' ? e.NODE_ENV !== 'production' : e.API_DOCS === 'on',
    unitGuard: e.UNIT_GUARD === 'auto' ? e.NODE_ENV !== 'production' : e.UNIT_GUARD === 'on',
    allowedOrigins: e.ALLOWED_ORIGINS ? e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()) : [],
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    backgroundJobs: true,
    otpLimits: { ...OTP_LIMITS },
    smsCaps: { perHour: e.SMS_CAP_PER_HOUR, perDay: e.SMS_CAP_PER_DAY },
    overload: { maxInFlight: e.MAX_IN_FLIGHT, perMinute: e.RATE_LIMIT_PER_MINUTE, connectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS },
    openApi: { perMinute: e.OPEN_API_PER_MINUTE },
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'true', timeoutMs: WEBHOOK_LIMITS.timeoutMs },
    timeouts: { headersMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS), requestMs: e.REQUEST_TIMEOUT_MS },
    reminderHour: e.REMINDER_HOUR,
    webDir: e.WEB_DIR ? path.resolve(e.WEB_DIR) : DEFAULT_WEB_DIR,
  };
}

type Env = z.infer<typeof EnvSchema>;

const TENCENT_REQUIRED = [
  'TENCENT_SMS_SECRET_ID',
  'TENCENT_SMS_SECRET_KEY',
  'TENCENT_SMS_SDK_APP_ID',
  'TENCENT_SMS_SIGN_NAME',
  'TENCENT_SMS_TEMPLATE_OTP',
  'TENCENT_SMS_TEMPLATE_RECEIVED',
  'TENCENT_SMS_TEMPLATE_REJECTED',
  'TENCENT_SMS_TEMPLATE_REMINDER',
] as const;
const WECHAT_REQUIRED = [
  'WECHAT_MP_APP_ID',
  'WECHAT_MP_APP_SECRET',
  'WECHAT_MP_TEMPLATE_RECEIVED',
  'WECHAT_MP_TEMPLATE_REJECTED',
  'WECHAT_MP_TEMPLATE_REMINDER',
] as const;

const PAY_REQUIRED = [
  'WECHAT_PAY_MCH_ID',
  'WECHAT_PAY_APP_ID',
  'WECHAT_PAY_SERIAL',
  'WECHAT_PAY_PRIVATE_KEY_FILE',
  'WECHAT_PAY_APIV3_KEY',
  'WECHAT_PAY_PLATFORM_SERIAL',
  'WECHAT_PAY_PLATFORM_KEY_FILE',
  'WECHAT_PAY_NOTIFY_URL',
] as const;

/** Checked to be present by loadConfig before this runs. */
const req = (v: string | undefined): string => v ?? '';

function smsConfig(e: Env): Config['sms'] {
  if (e.SMS_PROVIDER === 'console') return { provider: 'console' };
  return {
    provider: 'tencent',
    secretId: req(e.TENCENT_SMS_SECRET_ID),
    secretKey: req(e.TENCENT_SMS_SECRET_KEY),
    sdkAppId: req(e.TENCENT_SMS_SDK_APP_ID),
    signName: req(e.TENCENT_SMS_SIGN_NAME),
    region: e.TENCENT_SMS_REGION,
    endpoint: e.TENCENT_SMS_ENDPOINT,
    protocol: e.TENCENT_SMS_PROTOCOL === 'http' ? 'http:' : 'https:',
    templates: {
      otp: req(e.TENCENT_SMS_TEMPLATE_OTP),
      parcel_received: req(e.TENCENT_SMS_TEMPLATE_RECEIVED),
      parcel_rejected: req(e.TENCENT_SMS_TEMPLATE_REJECTED),
      pickup_reminder: req(e.TENCENT_SMS_TEMPLATE_REMINDER),
      // Returns and stale parcels (SPEC §15): optional; without a template those messages fail as unsendable.
      ...optionalTemplates({
        parcel_returned: e.TENCENT_SMS_TEMPLATE_RETURNED,
        parcel_stale: e.TENCENT_SMS_TEMPLATE_STALE,
        parcel_due_back: e.TENCENT_SMS_TEMPLATE_DUE_BACK,
        household_added: e.TENCENT_SMS_TEMPLATE_HOUSEHOLD,
        shipment_quoted: e.TENCENT_SMS_TEMPLATE_SHIPMENT_QUOTED,
        shipment_handed_over: e.TENCENT_SMS_TEMPLATE_SHIPMENT_HANDED_OVER,
      }),
    },
  };
}

/** The templates that are set, of the optional kinds. */
function optionalTemplates<K extends string>(t: Partial<Record<K, string | undefined>>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined && v !== '')) as Partial<Record<K, string>>;
}

/** `thing1,character_string2` → the keys; unset → the provider's default (keyword1 …). */
function keyList(v: string | undefined): string[] | undefined {
  return v
    ? v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : undefined;
}

function wechatConfig(e: Env): Config['wechat'] {
  if (e.WECHAT_PROVIDER === 'console') return { provider: 'console' };
  const keys: Partial<Record<NotificationKind, string[]>> = {};
  const [received, rejected, reminder] = [keyList(e.WECHAT_MP_KEYS_RECEIVED), keyList(e.WECHAT_MP_KEYS_REJECTED), keyList(e.WECHAT_MP_KEYS_REMINDER)];
  if (received) keys.parcel_received = received;
  if (rejected) keys.parcel_rejected = rejected;
  if (reminder) keys.pickup_reminder = reminder;
  return {
    provider: 'mp',
    appId: req(e.WECHAT_MP_APP_ID),
    appSecret: req(e.WECHAT_MP_APP_SECRET),
    apiBase: e.WECHAT_MP_API_BASE,
    oauthBase: e.WECHAT_MP_OAUTH_BASE,
    templates: {
      parcel_received: req(e.WECHAT_MP_TEMPLATE_RECEIVED),
      parcel_rejected: req(e.WECHAT_MP_TEMPLATE_REJECTED),
      pickup_reminder: req(e.WECHAT_MP_TEMPLATE_REMINDER),
      ...optionalTemplates({
        parcel_returned: e.WECHAT_MP_TEMPLATE_RETURNED,
        parcel_stale: e.WECHAT_MP_TEMPLATE_STALE,
        parcel_due_back: e.WECHAT_MP_TEMPLATE_DUE_BACK,
      }),
    },
    keys,
  };
}

/** A key file's PEM, checked to hold the kind of key it should: a bad file stops the start, not the first payment. */
function keyFile(variable: string, file: string, kind: 'private' | 'public'): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`Invalid configuration:\n  ${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  try {
    if (kind === 'private') createPrivateKey(pem);
    else createPublicKey(pem);
  } catch (err) {
    throw new Error(`Invalid configuration:\n  ${variable}: ${file} is not a PEM ${kind === 'private' ? 'private key' : 'certificate or public key'}`, {
      cause: err,
    });
  }
  return pem;
}

function payConfig(e: Env): Config['pay'] {
  if (e.PAY_PROVIDER === 'console') return { provider: 'console' };
  const notifyUrl = req(e.WECHAT_PAY_NOTIFY_URL);
  if (!notifyUrl.startsWith('https://')) throw new Error('Invalid configuration:\n  WECHAT_PAY_NOTIFY_URL: WeChat Pay sends notices to https addresses only');
  return {
    provider: 'wechat',
    mchId: req(e.WECHAT_PAY_MCH_ID),
    appId: req(e.WECHAT_PAY_APP_ID),
    serial: req(e.WECHAT_PAY_SERIAL).toUpperCase(),
    privateKey: keyFile('WECHAT_PAY_PRIVATE_KEY_FILE', req(e.WECHAT_PAY_PRIVATE_KEY_FILE), 'private'),
    platformSerial: req(e.WECHAT_PAY_PLATFORM_SERIAL),
    platformKey: keyFile('WECHAT_PAY_PLATFORM_KEY_FILE', req(e.WECHAT_PAY_PLATFORM_KEY_FILE), 'public'),
    apiV3Key: req(e.WECHAT_PAY_APIV3_KEY),
    notifyUrl,
    apiBase: e.WECHAT_PAY_API_BASE.endsWith('/') ? e.WECHAT_PAY_API_BASE : `${e.WECHAT_PAY_API_BASE}/`,
  };
}

function parseTrustProxy(v: string | undefined): boolean | string {
  if (v === undefined || v === '' || v === 'false') return false;
  return v === 'true' ? true : v;
}
