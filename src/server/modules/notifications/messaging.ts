import { SMS_CAPS } from '../../../shared/constants.js';
import type { Executor } from '../../db/index.js';
import type { Channel } from '../../db/types.js';
import { consoleProvider, type MessageProvider } from './provider.js';

/** How messages leave: one provider per channel, and the caps on SMS to one phone. */
export interface Messaging {
  sms: MessageProvider;
  wechat: MessageProvider;
  /** SMS to one phone per hour and per day at most (SMS pumping); further messages are `capped`. */
  smsCaps: { perHour: number; perDay: number };
}

/** The provider of a channel. */
export function providerFor(m: Messaging, channel: Channel): MessageProvider {
  return channel === 'sms' ? m.sms : m.wechat;
}

/** The console provider for both channels (development, tests, the operator's command line). */
export function consoleMessaging(db: Executor, smsCaps: Messaging['smsCaps'] = SMS_CAPS): Messaging {
  const provider = consoleProvider(db);
  return { sms: provider, wechat: provider, smsCaps: { ...smsCaps } };
}
