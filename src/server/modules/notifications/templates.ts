import { formatFen, formatRatePerDay } from '../../../shared/fee.js';
import { maskPhone } from '../../../shared/phone.js';
import type { NotificationKind } from '../../db/types.js';
import type { MessageParams } from './provider.js';

/** What the outbox stores for each kind of notification (JSON), rendered when it is sent. */
export interface ReceivedParams {
  community: string;
  carrier: string;
  trackingTail: string;
  collectionPoint: string;
  pickupCode: string;
  feeRateFen: number;
  /** Station mode: the shelf label (`A-3-0127`), sent beside the code. */
  shelfLabel?: string | null;
}
export interface RejectedParams {
  community: string;
  trackingNo: string;
  reason: string | null;
  /** The recipient's phone: a courier only ever sees its last 4 digits. */
  recipientPhone?: string;
}
export interface ReminderParams {
  community: string;
  collectionPoint: string;
  pickupCodes: string[];
  feeRateFen: number;
}
export interface ReturnedParams {
  community: string;
  collectionPoint: string;
  trackingNo: string;
  reason: string | null;
}
export interface StaleParams {
  community: string;
  collectionPoint: string;
  trackingTail: string;
  pickupCode: string;
  days: number;
}
export interface DueBackParams {
  community: string;
  collectionPoint: string;
  trackingNo: string;
  days: number;
}
export type TemplateParams = {
  parcel_received: ReceivedParams;
  parcel_rejected: RejectedParams;
  pickup_reminder: ReminderParams;
  parcel_returned: ReturnedParams;
  parcel_stale: StaleParams;
  parcel_due_back: DueBackParams;
};

/** The fee rule as the received notice and the reminder state it (several cities require it). */
function feeRule(feeRateFen: number): string {
  return feeRateFen > 0 ? `24小时内免费保管，超时按${formatRatePerDay(feeRateFen)}收取保管费` : '免费保管';
}

export interface RenderedMessage {
  params: Record<string, string>;
  text: string;
}

/** The sign-in code's SMS. */
export function otpMessage(code: string, minutes: number): RenderedMessage {
  const params: MessageParams<'otp'> = { code, minutes: String(minutes) };
  return { params, text: `【快递代收】您的验证码是${code}，${minutes}分钟内有效，请勿告诉他人。` };
}

/** 家人代领's SMS to the phone just authorized. */
export function householdMessage(maskedOwner: string): RenderedMessage {
  const params: MessageParams<'household_added'> = { owner: maskedOwner };
  return { params, text: `【快递代收】手机号${maskedOwner}的住户已授权您查看并代领其快递，登录住户端即可查看。` };
}

/** 代寄's SMS to the sender at the quote: weight and price, to pay in the resident app. */
export function shipmentQuotedMessage(v: { community: string; item: string; weightGrams: number; priceFen: number }): RenderedMessage {
  const weight = `${(v.weightGrams / 1000).toFixed(2).replace(/\.?0+$/, '')}kg`;
  const params: MessageParams<'shipment_quoted'> = { community: v.community, item: v.item, weight, price: formatFen(v.priceFen) };
  return { params, text: `【快递代收】您在${v.community}的代寄（${v.item}）已称重${weight}，运费${formatFen(v.priceFen)}，请在住户端支付。` };
}

/** 代寄's SMS to the sender at the hand-over: the carrier and tracking number. */
export function shipmentHandedOverMessage(v: { community: string; item: string; carrier: string; trackingNo: string }): RenderedMessage {
  const params: MessageParams<'shipment_handed_over'> = { community: v.community, item: v.item, carrier: v.carrier, trackingNo: v.trackingNo };
  return { params, text: `【快递代收】您在${v.community}的代寄（${v.item}）已交${v.carrier}寄出，运单号${v.trackingNo}。` };
}

/** A notification's template values and text: where, the code and the fee rule; phones masked for couriers. */
export function renderNotification<K extends NotificationKind>(kind: K, stored: TemplateParams[K]): RenderedMessage {
  if (kind === 'parcel_received') {
    const p = stored as ReceivedParams;
    // The label rides in the collection point's value, so that the approved templates (6 values)
    // need no change: 华润二十四城管理处（货架A-3-0127）.
    const place = p.shelfLabel ? `${p.collectionPoint}（货架${p.shelfLabel}）` : p.collectionPoint;
    const params: MessageParams<'parcel_received'> = {
      community: p.community,
      collectionPoint: place,
      carrier: p.carrier,
      trackingTail: p.trackingTail,
      pickupCode: p.pickupCode,
      feeRule: feeRule(p.feeRateFen),
    };
    return {
      params,
      text: `【快递代收】您的${p.carrier}快递（单号尾号${p.trackingTail}）已到${p.community}${place}，领取码${p.pickupCode}。${params.feeRule}。`,
    };
  }
  if (kind === 'pickup_reminder') {
    const p = stored as ReminderParams;
    const params: MessageParams<'pickup_reminder'> = {
      community: p.community,
      collectionPoint: p.collectionPoint,
      count: String(p.pickupCodes.length),
      pickupCodes: p.pickupCodes.join('、'),
      feeRule: feeRule(p.feeRateFen),
    };
    return {
      params,
      text: `【快递代收】催取提醒：您有${params.count}件快递在${p.community}${p.collectionPoint}已超过24小时未领取，领取码${params.pickupCodes}。${params.feeRule}，请尽快领取。`,
    };
  }
  if (kind === 'parcel_returned') {
    const p = stored as ReturnedParams;
    const params: MessageParams<'parcel_returned'> = {
      community: p.community,
      collectionPoint: p.collectionPoint,
      trackingNo: p.trackingNo,
      reason: p.reason ?? '未填写',
    };
    return {
      params,
      text: `【快递代收】退件通知：${p.community}${p.collectionPoint}有您派送的快递${p.trackingNo}需退回${p.reason ? `（${p.reason}）` : ''}，请尽快到前台取回。`,
    };
  }
  if (kind === 'parcel_stale') {
    const p = stored as StaleParams;
    const params: MessageParams<'parcel_stale'> = {
      community: p.community,
      collectionPoint: p.collectionPoint,
      trackingTail: p.trackingTail,
      pickupCode: p.pickupCode,
      days: String(p.days),
    };
    return {
      params,
      text: `【快递代收】滞留提醒：您在${p.community}${p.collectionPoint}的快递（单号尾号${p.trackingTail}，领取码${p.pickupCode}）已超过${p.days}天未领取，明天起将退回快递员，请尽快领取。`,
    };
  }
  if (kind === 'parcel_due_back') {
    const p = stored as DueBackParams;
    const params: MessageParams<'parcel_due_back'> = {
      community: p.community,
      collectionPoint: p.collectionPoint,
      trackingNo: p.trackingNo,
      days: String(p.days),
    };
    return {
      params,
      text: `【快递代收】待取回：您派送到${p.community}${p.collectionPoint}的快递${p.trackingNo}已滞留超过${p.days}天无人领取，请到前台取回。`,
    };
  }
  const p = stored as RejectedParams;
  const params: MessageParams<'parcel_rejected'> = {
    community: p.community,
    trackingNo: p.trackingNo,
    recipient: p.recipientPhone ? maskPhone(p.recipientPhone) : '',
    reason: p.reason ?? '未填写',
  };
  const to = params.recipient ? `（收件人${params.recipient}）` : '';
  return {
    params,
    text: `【快递代收】拒收提醒：您派送到${p.community}的快递${p.trackingNo}${to}已被物业前台拒收${p.reason ? `，原因：${p.reason}` : ''}。`,
  };
}
