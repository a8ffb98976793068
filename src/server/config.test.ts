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
});
