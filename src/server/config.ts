import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { OTP_LIMITS, SMS_CAPS } from '../shared/constants.js';

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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMS_PROVIDER: z.enum(['console']).default('console'),
  DEMO_DATA: z.enum(['auto', 'off']).default('auto'),
  TRUST_PROXY: z.string().optional(),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  WEB_DIR: z.string().optional(),
  REMINDER_HOUR: z.coerce.number().int().min(0).max(20).default(10),
  SMS_CAP_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(SMS_CAPS.perHour),
  SMS_CAP_PER_DAY: z.coerce.number().int().min(1).max(10000).default(SMS_CAPS.perDay),
});

/** The checkout's root: two levels above this file, whether it runs from src/server or dist/server. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `vite build` writes the web apps. */
export const DEFAULT_WEB_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  operatorToken: string | undefined;
  logLevel: string;
  smsProvider: 'console';
  demoData: boolean;
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
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: path.resolve(e.DATA_DIR, 'kuaidi.sqlite') },
    operatorToken: e.OPERATOR_TOKEN,
    logLevel: e.LOG_LEVEL,
    smsProvider: e.SMS_PROVIDER,
    demoData: e.DEMO_DATA === 'auto',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    backgroundJobs: true,
    otpLimits: { ...OTP_LIMITS },
    smsCaps: { perHour: e.SMS_CAP_PER_HOUR, perDay: e.SMS_CAP_PER_DAY },
    reminderHour: e.REMINDER_HOUR,
    webDir: e.WEB_DIR ? path.resolve(e.WEB_DIR) : DEFAULT_WEB_DIR,
  };
}

function parseTrustProxy(v: string | undefined): boolean | string {
  if (v === undefined || v === '' || v === 'false') return false;
  return v === 'true' ? true : v;
}
