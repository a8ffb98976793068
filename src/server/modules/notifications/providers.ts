import type { Config } from '../../config.js';
import type { Executor } from '../../db/index.js';
import { consoleMessaging, type Messaging } from './messaging.js';
import type { MessageProvider } from './provider.js';
import { tencentSmsProvider } from './tencent-sms.js';
import { wechatMpProvider } from './wechat-mp.js';

/** The providers the configuration names (`override`: one provider for both channels, in tests). */
export function messagingFor(config: Config, db: Executor, override?: MessageProvider): Messaging {
  const m = consoleMessaging(db, config.smsCaps);
  if (override) return { ...m, sms: override, wechat: override };
  const { sms, wechat } = config;
  return {
    ...m,
    sms: sms.provider === 'tencent' ? tencentSmsProvider(sms) : m.sms,
    wechat: wechat.provider === 'mp' ? wechatMpProvider(wechat) : m.wechat,
  };
}
