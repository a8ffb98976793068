import type { Executor } from '../../db/index.js';
import type { Channel, NotificationKind } from '../../db/types.js';
import { insertDevMessage } from './notifications.repo.js';

/** What a message is about: the sign-in code, or one of the outbox's notifications. */
export type MessageKind = 'otp' | 'household_added' | 'shipment_quoted' | 'shipment_handed_over' | NotificationKind;

/**
 * The template values of each kind of message, in the order an SMS template takes them
 * (Tencent's TemplateParamSet `{1}`, `{2}` …) and a WeChat template's keywords follow. The
 * templates registered with the providers must use this order (the README lists them).
 */
export const PARAM_ORDER = {
  otp: ['code', 'minutes'],
  /** 家人代领: a phone was authorized (by the masked phone of the resident). */
  household_added: ['owner'],
  /** 代寄 (to the sender): the desk weighed and quoted it; pay in the resident app. */
  shipment_quoted: ['community', 'item', 'weight', 'price'],
  /** 代寄 (to the sender): handed to the courier, with the tracking number. */
  shipment_handed_over: ['community', 'item', 'carrier', 'trackingNo'],
  parcel_received: ['community', 'collectionPoint', 'carrier', 'trackingTail', 'pickupCode', 'feeRule'],
  parcel_rejected: ['community', 'trackingNo', 'recipient', 'reason'],
  pickup_reminder: ['community', 'collectionPoint', 'count', 'pickupCodes', 'feeRule'],
  /** 退件通知 (to the courier): come for a parcel the desk gives back. */
  parcel_returned: ['community', 'collectionPoint', 'trackingNo', 'reason'],
  /** 滞留提醒 (to the resident, once): a parcel waiting past the community's days, to be returned. */
  parcel_stale: ['community', 'collectionPoint', 'trackingTail', 'pickupCode', 'days'],
  /** 待取回 (to the courier, once): a stale parcel is due back. */
  parcel_due_back: ['community', 'collectionPoint', 'trackingNo', 'days'],
} as const satisfies Record<MessageKind, readonly string[]>;

/** The kinds whose templates may be left unset (SPEC §15's notices, added after the first templates were approved). */
export type OptionalKind = 'parcel_returned' | 'parcel_stale' | 'parcel_due_back' | 'household_added' | 'shipment_quoted' | 'shipment_handed_over';
/** A provider's template ids: every kind's but the optional ones' required. */
export type Templates<K extends string> = Record<Exclude<K, OptionalKind>, string> & Partial<Record<K & OptionalKind, string>>;

/** A kind's template id, or a refusal that no retry can mend: none is configured. */
export function templateOf<K extends string>(templates: Templates<K>, kind: K, provider: string): string {
  const id = (templates as Partial<Record<K, string>>)[kind];
  if (!id) throw new ProviderError(`${provider}: no template is configured for ${kind}`, false, 'no_template');
  return id;
}

export type MessageParams<K extends MessageKind = MessageKind> = Record<(typeof PARAM_ORDER)[K][number], string>;

export interface OutgoingMessage {
  channel: Channel;
  /** A mainland mobile number (11 digits) for SMS; the user's openid for WeChat. */
  to: string;
  /** The recipient's phone, also for WeChat (the console provider files messages under it). */
  phone?: string;
  kind: MessageKind;
  /** The template values, all text (see PARAM_ORDER). */
  params: Record<string, string>;
  /** The whole message as a person reads it: what the console provider records and 通知记录 shows. */
  text: string;
}

/**
 * A provider's refusal. `retryable` false means sending the same message again cannot succeed
 * (an invalid number, a template the provider does not know): the outbox marks it failed at once.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Something that delivers messages of one channel, or throws (a ProviderError, or any error: retried). */
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
      await insertDevMessage(db, { recipient: msg.phone ?? msg.to, channel: msg.channel, text: msg.text, created_at: now.toISOString() });
    },
  };
}
