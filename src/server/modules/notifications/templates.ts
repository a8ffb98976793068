import { formatRatePerDay } from '../../../shared/fee.js';
import type { NotificationKind } from '../../db/types.js';

export interface ReceivedParams {
  community: string;
  carrier: string;
  trackingTail: string;
  collectionPoint: string;
  pickupCode: string;
  feeRateFen: number;
}
export interface RejectedParams {
  community: string;
  trackingNo: string;
  reason: string | null;
}
export type TemplateParams = { parcel_received: ReceivedParams; parcel_rejected: RejectedParams };

/** The text of a notification: the received notice names where, the code and the fee rule. */
export function renderNotification<K extends NotificationKind>(kind: K, params: TemplateParams[K]): string {
  if (kind === 'parcel_received') {
    const p = params as ReceivedParams;
    const fee = p.feeRateFen > 0 ? `24小时内免费保管，超时按${formatRatePerDay(p.feeRateFen)}收取保管费` : '免费保管';
    return `【快递代收】您的${p.carrier}快递（单号尾号${p.trackingTail}）已到${p.community}${p.collectionPoint}，领取码${p.pickupCode}。${fee}。`;
  }
  const p = params as RejectedParams;
  return `【快递代收】拒收提醒：您派送到${p.community}的快递${p.trackingNo}已被物业前台拒收${p.reason ? `，原因：${p.reason}` : ''}。`;
}
