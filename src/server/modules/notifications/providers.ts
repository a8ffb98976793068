import type { Config } from '../../config.js';
import type { Executor } from '../../context.js';
import { consoleMessaging, type Messaging } from './messaging.js';
import type { MessageProvider } from './provider.js';

/** The providers the configuration names (`override`: one provider for both channels, in tests). */
export function messagingFor(config: Config, db: Executor, override?: MessageProvider): Messaging {
  const m = consoleMessaging(db, config.smsCaps);
  if (override) return { ...m, sms: override, wechat: override };
  return m;
}
