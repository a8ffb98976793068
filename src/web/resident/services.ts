// What the 送货上门 and 代寄 screens share: the states' names and colours, the refund's state,
// and their English.
import type { DoorDeliveryStatus, Payment, ShipmentStatus } from '../api-types.js';
import type { EnglishOf } from '../i18n.js';
import { MOBILE_EN } from '../mobile/format.js';
import { PAY_EN } from './pay.js';

export const DELIVERY_STATUS: Record<DoorDeliveryStatus, { label: string; color: string }> = {
  requested: { label: '申请中', color: 'warning' },
  paid: { label: '已支付', color: 'primary' },
  dispatched: { label: '派送中', color: 'primary' },
  delivered: { label: '已送达', color: 'success' },
  cancelled: { label: '已取消', color: 'default' },
};

export const SHIPMENT_STATUS: Record<ShipmentStatus, { label: string; color: string }> = {
  requested: { label: '待称重', color: 'warning' },
  quoted: { label: '待支付', color: 'danger' },
  paid: { label: '已支付', color: 'primary' },
  handed_over: { label: '已寄出', color: 'success' },
  cancelled: { label: '已取消', color: 'default' },
};

/**
 * A cancelled order's money: 已退款, 退款中 (accepted by WeChat, or a call to be retried), or a refund
 * the provider refused (the desk sorts it out); null when nothing was paid.
 */
export function refundLabel(payment: Payment | null, cancelled: boolean): string | null {
  if (!payment || !cancelled || (payment.status !== 'paid' && payment.status !== 'refunded')) return null;
  const state = payment.refundStatus;
  if (state === 'success') return '已退款';
  if (state === 'closed' || state === 'abnormal') return '退款异常，请联系物业';
  return '退款中';
}

export const SERVICES_EN: EnglishOf = {
  ...MOBILE_EN,
  ...PAY_EN,
  申请中: 'Requested',
  已支付: 'Paid',
  派送中: 'On the way',
  已送达: 'Delivered',
  已取消: 'Cancelled',
  待称重: 'To be weighed',
  待支付: 'To pay',
  已寄出: 'Sent',
  已退款: 'Refunded',
  退款中: 'Refund under way',
  '退款异常，请联系物业': 'The refund failed: ask the property office',
  退款: 'Refund',
  去支付: 'Pay',
  稍后支付: 'Later',
  申请时间: 'Requested',
  下单时间: 'Ordered',
  送达时间: 'Delivered',
  寄出时间: 'Sent',
  备注: 'Note',
  费用: 'Price',
  '{price} × {n}件 = {amount}': '{price} × {n} = {amount}',
  加载失败: 'Could not load',
};
