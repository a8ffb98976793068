// The audit trail's words, shared by the server and the console's 操作日志 page.

/** Who can act: the kinds of signed-in callers, the operator (its token, the command line), nobody signed in, the server itself. */
export const AUDIT_ACTOR_KINDS = ['staff', 'courier', 'resident', 'api_key', 'operator', 'anonymous', 'system'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

export const AUDIT_ACTOR_LABELS: Record<AuditActorKind, string> = {
  staff: '物业人员',
  courier: '快递员',
  resident: '住户',
  api_key: '开放接口',
  operator: '运营方',
  anonymous: '未登录',
  system: '系统',
};

/** What a row is about, with the console's name for it. */
export const AUDIT_ENTITY_LABELS: Record<string, string> = {
  parcel: '包裹',
  courier: '快递员',
  resident: '住户',
  community: '小区',
  staff: '物业人员',
  shelf: '货架',
  org: '物业公司',
  otp: '验证码',
  household: '家人代领',
  courier_account: '快递员账号',
  anonymous: '未登录',
  api_key: '开放接口密钥',
  webhook: 'Webhook',
  pre_advice: '预报',
  notification: '通知',
  export: '导出',
  wechat: '微信绑定',
};
