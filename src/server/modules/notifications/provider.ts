import type { Channel } from '../../db/types.js';
import type { Executor } from '../../context.js';
import { insertDevMessage } from './notifications.repo.js';

export interface OutgoingMessage {
  channel: Channel;
  to: string;
  text: string;
}

/** Something that delivers a message, or throws with the reason it could not. */
export interface MessageProvider {
  readonly name: string;
  send(msg: OutgoingMessage, now: Date): Promise<void>;
}

/**
 * The development provider: "sends" by recording the message in the database, where
 * `/api/dev/messages` reads it (several processes share it).
 */
export function consoleProvider(db: Executor): MessageProvider {
  return {
    name: 'console',
    async send(msg, now) {
      await insertDevMessage(db, { recipient: msg.to, channel: msg.channel, text: msg.text, created_at: now.toISOString() });
    },
  };
}
