// What the mobile apps show of a parcel, in one place.
import { formatFen, formatRatePerDay } from '../../shared/fee.js';
import { formatShanghai } from '../../shared/time.js';
import type { ParcelStatus } from '../api-types.js';
import type { EnglishOf } from '../i18n.js';

export { formatFen, formatRatePerDay, formatShanghai };
export { PARCEL_STATUS_LABELS } from '../../shared/parcel-status.js';

export const STATUS_COLOR: Record<ParcelStatus, string> = {
  pending_receipt: 'warning',
  awaiting_pickup: 'primary',
  picked_up: 'success',
  rejected: 'danger',
  exception: 'warning',
  returned: 'default',
};

/** `482913` → `482 913`: easier to read aloud at the desk. */
export function spacedCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/** Labels both mobile apps use. */
export const MOBILE_EN: EnglishOf = {
  待接收: 'Awaiting receipt',
  待领取: 'Awaiting pickup',
  已接收: 'At the desk',
  已领取: 'Collected',
  已拒收: 'Rejected',
  问题件: 'Problem',
  已退回: 'Returned',
  处理中: 'Being handled',
  手机号: 'Mobile number',
  请输入手机号: 'Enter your mobile number',
  验证码: 'SMS code',
  请输入验证码: 'Enter the code',
  获取验证码: 'Get code',
  '{s}秒后重发': 'Resend in {s}s',
  登录: 'Sign in',
  退出: 'Sign out',
  姓名: 'Name',
  请输入手机号码: 'Enter a mobile number',
  请输入11位手机号: 'Enter an 11-digit mobile number',
  请输入6位验证码: 'Enter the 6-digit code',
  验证码已发送: 'Code sent',
  快递单号: 'Tracking number',
  快递公司: 'Carrier',
  小区: 'Community',
  代收点: 'Collection point',
  保管费: 'Custody fee',
  外观有破损: 'Damaged',
  领取码: 'Pickup code',
  拒收原因: 'Reason',
  录入时间: 'Entered',
  接收时间: 'Received',
  领取时间: 'Collected',
  拒收时间: 'Rejected',
  已缴保管费: 'Fee paid',
  暂无快递: 'No parcels',
  加载中: 'Loading',
  没有更多了: 'No more',
  加载失败: 'Could not load',
  重试: 'Retry',
};
