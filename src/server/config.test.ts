import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { messagingFor } from './modules/notifications/providers.js';
import { openDatabase } from './db/index.js';

const TENCENT_ENV = {
  SMS_PROVIDER: 'tencent',
  TENCENT_SMS_SECRET_ID: 'AKIDexample',
  TENCENT_SMS_SECRET_KEY: 'secret',
  TENCENT_SMS_SDK_APP_ID: '1400006666',
  TENCENT_SMS_SIGN_NAME: '快递代收',
  TENCENT_SMS_TEMPLATE_OTP: '1',
  TENCENT_SMS_TEMPLATE_RECEIVED: '2',
  TENCENT_SMS_TEMPLATE_REJECTED: '3',
  TENCENT_SMS_TEMPLATE_REMINDER: '4',
};
const WECHAT_ENV = {
  WECHAT_PROVIDER: 'mp',
  WECHAT_MP_APP_ID: 'wx123',
  WECHAT_MP_APP_SECRET: 'secret',
  WECHAT_MP_TEMPLATE_RECEIVED: 'a',
  WECHAT_MP_TEMPLATE_REJECTED: 'b',
  WECHAT_MP_TEMPLATE_REMINDER: 'c',
  WECHAT_MP_KEYS_RECEIVED: 'thing1, thing2,time3,character_string4,character_string5,thing6',
};

describe('provider configuration', () => {
  it('defaults to the console provider for both channels, with the SMS caps and the reminder hour', () => {
    const c = loadConfig({});
    expect(c.sms).toEqual({ provider: 'console' });
    expect(c.wechat).toEqual({ provider: 'console' });
    expect(c.smsCaps).toEqual({ perHour: 20, perDay: 50 });
    expect(c.reminderHour).toBe(10);
  });

  it('names every missing setting of a chosen provider, and refuses bad values', () => {
    expect(() => loadConfig({ SMS_PROVIDER: 'tencent', TENCENT_SMS_SECRET_ID: 'x' })).toThrow(
      /TENCENT_SMS_SECRET_KEY: required by SMS_PROVIDER=tencent[\s\S]*TENCENT_SMS_TEMPLATE_REMINDER/,
    );
    expect(() => loadConfig({ WECHAT_PROVIDER: 'mp' })).toThrow(/WECHAT_MP_APP_ID: required by WECHAT_PROVIDER=mp/);
    expect(() => loadConfig({ SMS_PROVIDER: 'aliyun' })).toThrow(/SMS_PROVIDER/);
    expect(() => loadConfig({ ...TENCENT_ENV, TENCENT_SMS_ENDPOINT: 'http://evil.example' })).toThrow(/TENCENT_SMS_ENDPOINT/);
    expect(() => loadConfig({ REMINDER_HOUR: '23' })).toThrow(/REMINDER_HOUR/);
  });

  it('builds the Tencent SMS and WeChat providers from the environment', async () => {
    const c = loadConfig({ ...TENCENT_ENV, ...WECHAT_ENV, SMS_CAP_PER_HOUR: '5' });
    expect(c.sms).toMatchObject({
      provider: 'tencent',
      sdkAppId: '1400006666',
      region: 'ap-guangzhou',
      endpoint: 'sms.tencentcloudapi.com',
      protocol: 'https:',
    });
    expect(c.wechat).toMatchObject({
      provider: 'mp',
      apiBase: 'https://api.weixin.qq.com',
      keys: { parcel_received: ['thing1', 'thing2', 'time3', 'character_string4', 'character_string5', 'thing6'] },
    });
    const database = openDatabase({ kind: 'sqlite', file: ':memory:' });
    try {
      const m = messagingFor(c, database.db);
      expect([m.sms.name, m.wechat.name, m.smsCaps.perHour]).toEqual(['tencent-sms', 'wechat-mp', 5]);
    } finally {
      await database.close();
    }
  });

  it('checks WeChat Pay at start-up: every setting, the key files readable and of the right kind, an https notify URL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-pay-'));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'apiclient_key.pem');
    const platformFile = path.join(dir, 'pub_key.pem');
    fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(platformFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const env = {
      PAY_PROVIDER: 'wechat',
      WECHAT_PAY_MCH_ID: '1900009191',
      WECHAT_PAY_APP_ID: 'wxd678efh567hg6787',
      WECHAT_PAY_SERIAL: '3775b6a45acd588826d15e583a95f5dd12345678',
      WECHAT_PAY_PRIVATE_KEY_FILE: keyFile,
      WECHAT_PAY_APIV3_KEY: 'a'.repeat(32),
      WECHAT_PAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0114232134912410000000000000001',
      WECHAT_PAY_PLATFORM_KEY_FILE: platformFile,
      WECHAT_PAY_NOTIFY_URL: 'https://wuye.example.com/api/payments/wechat/notify',
    };
    try {
      expect(loadConfig({}).pay).toEqual({ provider: 'console' });
      expect(loadConfig(env).pay).toMatchObject({ provider: 'wechat', mchId: '1900009191', serial: '3775B6A45ACD588826D15E583A95F5DD12345678' });
      expect(() => loadConfig({ PAY_PROVIDER: 'wechat' })).toThrow(/WECHAT_PAY_MCH_ID: required by PAY_PROVIDER=wechat[\s\S]*WECHAT_PAY_NOTIFY_URL/);
      expect(() => loadConfig({ ...env, WECHAT_PAY_APIV3_KEY: 'short' })).toThrow(/WECHAT_PAY_APIV3_KEY/);
      expect(() => loadConfig({ ...env, WECHAT_PAY_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') })).toThrow(/WECHAT_PAY_PRIVATE_KEY_FILE: cannot read/);
      // The keys swapped: the public key is no private key.
      expect(() => loadConfig({ ...env, WECHAT_PAY_PRIVATE_KEY_FILE: platformFile })).toThrow(/WECHAT_PAY_PRIVATE_KEY_FILE: .* is not a PEM private key/);
      expect(() => loadConfig({ ...env, WECHAT_PAY_NOTIFY_URL: 'http://wuye.example.com/notify' })).toThrow(/https/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
