// The console's names for the trail's actions, entities and values. The server records more actions
// than are named here (and adds new ones): an unnamed action shows as itself.
import { AUDIT_ACTOR_KINDS, AUDIT_ACTOR_LABELS, AUDIT_ENTITY_LABELS } from '../../../../shared/audit.js';
import { PARCEL_STATUS_LABELS } from '../../../../shared/parcel-status.js';
import type { T } from '../../../i18n.js';

/** The common actions by their Chinese name; a parcel move is its PARCEL_MOVES name in snake_case. */
const ACTION_LABELS: Readonly<Record<string, string>> = {
  'parcel.enter': '快递员录入',
  'parcel.enter_at_desk': '前台入库',
  'parcel.receive': '接收包裹',
  'parcel.reject': '拒收包裹',
  'parcel.pickup': '领取包裹',
  'parcel.waive': '撤销保管费',
  'parcel.move_shelf': '移库',
  'parcel.flag': '标记问题件',
  'parcel.resolve': '解决问题件',
  'parcel.return_to_courier': '退回快递员',
  'parcel.hand_over': '登记取回',
  'parcel.take_back': '快递员取回',
  'courier.create': '添加快递员',
  'courier.update': '修改快递员',
  'courier.delete': '删除快递员',
  'courier.import': '导入快递员',
  'resident.create': '添加住户',
  'resident.update': '修改住户',
  'resident.delete': '删除住户',
  'resident.import': '导入住户',
  'community.create': '添加小区',
  'community.update': '修改小区',
  'staff.create': '添加人员',
  'staff.update': '修改人员',
  'staff.password_change': '修改密码',
  'staff.password_change_failed': '修改密码失败',
  'shelf.create': '添加货架',
  'shelf.update': '修改货架',
  'shelf.delete': '删除货架',
  'org.create': '创建物业公司',
  'org.app_enabled': '开关快递代收应用',
  'household.add': '添加家人代领',
  'household.remove': '移除家人代领',
  'proof.add': '保存取件凭证',
  'proof.view': '查看取件凭证',
  'auth.sign_in': '登录',
  'auth.sign_in_failed': '登录失败',
  'auth.sign_out': '退出登录',
  'auth.otp_request': '获取验证码',
  'export.parcels': '导出包裹',
  'export.couriers': '导出快递员',
  'export.residents': '导出住户',
  'export.audit': '导出操作日志',
  'export.backup': '备份数据',
  'wechat.bind': '绑定微信',
  'api_key.create': '创建密钥',
  'api_key.revoke': '撤销密钥',
  'webhook.create': '添加回调',
  'webhook.delete': '删除回调',
  'webhook.resend': '重发回调',
  'pre_advice.push': '推送预报',
  'notification.retry': '重发通知',
  'payment.create': '创建支付',
  'payment.paid': '支付成功',
  'payment.close': '关闭支付',
  'payment.refund': '退款',
  'payment.refund_status': '退款状态更新',
  'delivery.request': '申请送货上门',
  'delivery.cancel': '取消送货上门',
  'delivery.dispatch': '派送送货上门',
  'delivery.delivered': '送货上门已送达',
  'shipment.request': '代寄下单',
  'shipment.cancel': '取消代寄',
  'shipment.quote': '代寄称重报价',
  'shipment.hand_over': '代寄交寄',
};

/** An action's name, or undefined when the console has none (the raw action is shown). */
export function actionLabel(t: T, action: string): string | undefined {
  const zh = ACTION_LABELS[action];
  return zh === undefined ? undefined : t(zh);
}

/** An entity's name, or the entity itself. */
export function entityLabel(t: T, entity: string): string {
  const zh = AUDIT_ENTITY_LABELS[entity];
  return zh === undefined ? entity : t(zh);
}

/** An actor kind's name, or the kind itself (a kind the server added since). */
export function actorLabel(t: T, kind: string): string {
  const zh = (AUDIT_ACTOR_LABELS as Readonly<Record<string, string>>)[kind];
  return zh === undefined ? kind : t(zh);
}

/** The 操作人类型 select's options. */
export function actorOptions(t: T): { value: string; label: string }[] {
  return AUDIT_ACTOR_KINDS.map((k) => ({ value: k, label: t(AUDIT_ACTOR_LABELS[k]) }));
}

/** The 对象 select's options, in the shared list's order. */
export function entityOptions(t: T): { value: string; label: string }[] {
  return Object.entries(AUDIT_ENTITY_LABELS).map(([value, zh]) => ({ value, label: t(zh) }));
}

/** A parcel's state by its name (`awaiting_pickup` → 待领取); any other value as is. */
export function statusLabel(t: T, value: unknown): unknown {
  if (typeof value !== 'string' || !(value in PARCEL_STATUS_LABELS)) return value;
  return t(PARCEL_STATUS_LABELS[value as keyof typeof PARCEL_STATUS_LABELS]);
}
