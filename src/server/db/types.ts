import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ExceptionKind, ParcelStatus } from '../../shared/parcel-status.js';

export type { ParcelStatus };

/**
 * The database, as Kysely sees it. The same columns on SQLite and PostgreSQL:
 * times are ISO-8601 UTC text (`2026-01-08T07:30:00.000Z`, which sorts as time does),
 * booleans are integers 0/1, money is integer fen.
 */
export interface DB {
  orgs: OrgTable;
  staff: StaffTable;
  staff_communities: StaffCommunityTable;
  sessions: SessionTable;
  communities: CommunityTable;
  couriers: CourierTable;
  courier_accounts: CourierAccountTable;
  residents: ResidentTable;
  parcels: ParcelTable;
  parcel_events: ParcelEventTable;
  parcel_counts: ParcelCountTable;
  shelves: ShelfTable;
  shelf_serials: ShelfSerialTable;
  desk_idempotency_keys: DeskIdempotencyKeyTable;
  outbox: OutboxTable;
  dev_messages: DevMessageTable;
  otp_codes: OtpCodeTable;
  rate_counters: RateCounterTable;
  idempotency_keys: IdempotencyKeyTable;
  wechat_bindings: WechatBindingTable;
  api_keys: ApiKeyTable;
  pre_advice: PreAdviceTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  household_members: HouseholdMemberTable;
  parcel_proofs: ParcelProofTable;
  audit_log: AuditLogTable;
  parcel_daily: ParcelDailyTable;
  parcel_dwell: ParcelDwellTable;
  message_daily: MessageDailyTable;
  payments: PaymentTable;
  deliveries: DeliveryTable;
  delivery_parcels: DeliveryParcelTable;
  shipments: ShipmentTable;
  preferences: PreferenceTable;
  preference_changes: PreferenceChangeTable;
}

export type Bool = 0 | 1;
export type StaffRole = 'admin' | 'clerk';
export type SessionKind = 'staff' | 'courier' | 'resident';

export interface OrgTable {
  id: Generated<number>;
  name: string;
  app_enabled: Bool;
  created_at: string;
  /** Hashes phones for carriers (`preferences:read`); set at first need. */
  phone_salt: string | null;
}

export interface StaffTable {
  id: Generated<number>;
  org_id: number;
  username: string;
  password_hash: string;
  role: StaffRole;
  disabled: Bool;
  /** 1: the password was chosen by someone else; it must be changed before anything else. */
  must_change_password: Generated<Bool>;
  created_at: string;
}

export interface StaffCommunityTable {
  staff_id: number;
  community_id: number;
}

export interface SessionTable {
  /** SHA-256 of the cookie's token: a stolen table does not give working sessions. */
  id: string;
  kind: SessionKind;
  staff_id: number | null;
  courier_account_id: number | null;
  phone: string | null;
  created_at: string;
  expires_at: string;
}

export interface CommunityTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  collection_point_name: string;
  fee_rate_fen: number;
  created_at: string;
  /** 催取: whether residents get the daily overdue reminder. */
  reminders_enabled: Generated<Bool>;
  /** 滞留: days a parcel may wait before it is stale and goes back to its courier (0: never). */
  return_after_days: Generated<number>;
  /** 1: pickup needs a proof (a photo or the resident's signature). */
  proof_required: Generated<Bool>;
  /** 送货上门: the price per parcel (0: not offered) and the hours (`18:00-21:00`, '' for any time). */
  door_delivery_fen: Generated<number>;
  door_delivery_hours: Generated<string>;
}

export interface CourierTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  name: string;
  phone: string;
  carrier: string;
  created_at: string;
  updated_at: string;
}

export interface CourierAccountTable {
  id: Generated<number>;
  phone: string;
  name: string;
  created_at: string;
}

export interface ResidentTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  name: string;
  phone: string;
  building: string;
  unit: string;
  room: string;
  created_at: string;
  updated_at: string;
}

export interface ParcelTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  carrier: string;
  tracking_no: string;
  courier_id: number | null;
  courier_account_id: number | null;
  courier_name: string;
  courier_phone: string;
  recipient_name: string;
  recipient_phone: string;
  resident_id: number | null;
  address: string | null;
  status: ParcelStatus;
  damaged: Bool;
  entered_at: string;
  received_at: string | null;
  received_by: number | null;
  picked_up_at: string | null;
  picked_up_by: number | null;
  rejected_at: string | null;
  rejected_by: number | null;
  reject_reason: string | null;
  pickup_code: string | null;
  /** The community's rate when the parcel was received: the rate its fee is counted at. */
  fee_rate_fen: number | null;
  fee_waived: Bool;
  fee_waived_at: string | null;
  fee_waived_by: number | null;
  fee_charged_fen: number | null;
  /** Station mode: the shelf and layer it waits on, and its label there (`A-3-0127`). */
  shelf_id: Generated<number | null>;
  shelf_layer: Generated<number | null>;
  shelf_label: Generated<string | null>;
  /** Who entered it: the courier in their app, or the front desk scanning it in. */
  source: Generated<ParcelSource>;
  /** 问题件: what is wrong, the clerk's note, since when (kept after it is resolved or returned). */
  exception_kind: Generated<ExceptionKind | null>;
  exception_note: Generated<string | null>;
  exception_at: Generated<string | null>;
  /** 退回: when and why it was given back, and when the courier took it (confirmed by either side). */
  returned_at: Generated<string | null>;
  return_reason: Generated<string | null>;
  taken_back_at: Generated<string | null>;
  /** When the resident was told it is stale, and the courier that it is due back (each once). */
  stale_notified_at: Generated<string | null>;
  due_back_notified_at: Generated<string | null>;
  /** Who collected it: the recipient, an authorized proxy, or a door delivery; and the collector's phone. */
  picked_up_relation: Generated<PickupRelation | null>;
  picked_up_phone: Generated<string | null>;
  /** 1 once a proof of pickup (photo or signature) is kept for it. */
  has_proof: Generated<Bool>;
  /** 支付保管费: the custody fee the resident paid online, and when (the fee stops there). */
  fee_paid_fen: Generated<number | null>;
  fee_paid_at: Generated<string | null>;
}

export type PickupRelation = 'self' | 'proxy' | 'delivery';

/** A proof of pickup: a checked JPEG or PNG, kept with its parcel. */
export interface ParcelProofTable {
  id: Generated<number>;
  org_id: number;
  parcel_id: number;
  kind: 'photo' | 'signature';
  mime: 'image/jpeg' | 'image/png';
  data: Buffer;
  size: number;
  width: number;
  height: number;
  created_by: number;
  created_at: string;
}

/** A phone a resident authorized to see and collect their parcels (at most 5). */
export interface HouseholdMemberTable {
  id: Generated<number>;
  owner_phone: string;
  member_phone: string;
  member_name: string | null;
  created_at: string;
}

export type ParcelSource = 'courier' | 'desk';

/** 货架: a shelf of a community's collection point, with its layers and how many parcels it takes. */
export interface ShelfTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  code: string;
  layers: number;
  capacity: number;
  created_at: string;
  updated_at: string;
}

/** The last shelf-label serial given in a community on a day (Asia/Shanghai). */
export interface ShelfSerialTable {
  community_id: number;
  day: string;
  n: number;
}

/** What a desk intake answered, by the staff member's Idempotency-Key. */
export interface DeskIdempotencyKeyTable {
  staff_id: number;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

/** Parcels per community and state, kept by triggers (migration 2026112905_parcel_counts). */
export interface ParcelCountTable {
  community_id: number;
  org_id: number;
  status: ParcelStatus;
  /** PostgreSQL: the writing connection's shard (backend pid % 16); SQLite: 0. */
  shard: number;
  n: number;
}

export interface ParcelEventTable {
  id: Generated<number>;
  parcel_id: number;
  org_id: number;
  at: string;
  actor_kind: 'staff' | 'courier' | 'system';
  actor_id: number | null;
  actor_name: string;
  from_status: ParcelStatus | null;
  to_status: ParcelStatus;
  /** JSON text: what else the move carried (damaged, reason, fee, waiver). */
  detail: string | null;
}

/** capped: not sent, the phone's SMS cap was reached (staff can send it again). */
export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'capped';
export type NotificationKind = 'parcel_received' | 'parcel_rejected' | 'pickup_reminder' | 'parcel_returned' | 'parcel_stale' | 'parcel_due_back';
export type Channel = 'sms' | 'wechat';

export interface OutboxTable {
  id: Generated<number>;
  org_id: number;
  parcel_id: number | null;
  event_id: number | null;
  kind: NotificationKind;
  channel: Channel;
  recipient: string;
  /** JSON text: the template's parameters. */
  params: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** Set on messages that are not tied to one event (reminders): unique, so never queued twice. */
  dedupe_key: string | null;
}

/** A WeChat user (openid of the official account) bound to the phone they signed in with. */
export interface WechatBindingTable {
  phone: string;
  openid: string;
  bound_at: string;
}

export interface DevMessageTable {
  id: Generated<number>;
  recipient: string;
  channel: Channel;
  text: string;
  created_at: string;
}

export interface OtpCodeTable {
  id: Generated<number>;
  phone: string;
  purpose: 'courier' | 'resident';
  code_hash: string;
  created_at: string;
  expires_at: string;
  wrong_tries: number;
  /** Set when used, voided by a newer code, or locked after too many wrong tries. */
  consumed_at: string | null;
}

export interface RateCounterTable {
  key: string;
  window_start: string;
  count: number;
}

export interface IdempotencyKeyTable {
  courier_account_id: number;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

/** An API key of the open API: only its SHA-256 is kept (hex), with its first characters to recognise it by. */
export interface ApiKeyTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  /** JSON text: the scopes (`pre_advice:write`, `parcels:read`). */
  scopes: string;
  prefix: string;
  key_hash: string;
  created_by: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** What a carrier told of a parcel before it came: one row per community and tracking number. */
export interface PreAdviceTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  tracking_no: string;
  recipient_phone: string;
  recipient_name: string | null;
  carrier: string | null;
  api_key_id: number;
  created_at: string;
  updated_at: string;
}

export interface WebhookTable {
  id: Generated<number>;
  org_id: number;
  url: string;
  /** JSON text: the event types subscribed to. */
  events: string;
  /** The HMAC secret the deliveries are signed with. */
  secret: string;
  /** The API key the receiver acts for: phones in full only when it holds `parcels:read`; none when revoked. */
  api_key_id: number | null;
  created_at: string;
}

export type WebhookDeliveryStatus = 'queued' | 'delivered' | 'failed';

/** The webhooks' outbox: one event for one subscription, its body fixed when it was queued. */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  org_id: number;
  webhook_id: number;
  /** `evt_<parcel event id>`: the same on every attempt and for every subscription. */
  event_id: string;
  type: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  org_id: number;
  delivery_id: number;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** One line of the audit trail (append-only; `changes` is JSON, see modules/audit). */
export interface AuditLogTable {
  id: Generated<number>;
  org_id: number | null;
  at: string;
  actor_kind: string;
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: string | null;
  ip: string | null;
}

/** 数据看板's rollups, kept by triggers (migration 2026120801_stats): per community and Shanghai day. */
export interface ParcelDailyTable {
  community_id: number;
  org_id: number;
  day: string;
  /** 0: no courier record (taken in at the desk). */
  courier_id: number;
  carrier: string;
  shard: number;
  received: number;
  picked_up: number;
  rejected: number;
  returned: number;
  fee_fen: number;
  waived: number;
}
export interface ParcelDwellTable {
  community_id: number;
  org_id: number;
  day: string;
  /** The bucket's first hour: 0–47 by the hour, then 6 hours to 168, days to 720, then 720 (30 days and more). */
  hours: number;
  shard: number;
  n: number;
}
export interface MessageDailyTable {
  /** 0: a message of no parcel. */
  community_id: number;
  org_id: number;
  day: string;
  channel: string;
  shard: number;
  sent: number;
}

export type PaymentPurpose = 'custody_fee' | 'door_delivery' | 'shipment';
export type PaymentStatus = 'created' | 'paid' | 'refunded' | 'closed';

/** A payment (SPEC §16): confirmed only by the provider's signed notice or an order query. */
export interface PaymentTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  payer_phone: string;
  purpose: PaymentPurpose;
  /** The parcel (custody_fee), the delivery or the shipment it pays for. */
  ref_id: number;
  amount_fen: number;
  status: PaymentStatus;
  provider: 'console' | 'wechat';
  channel: 'jsapi' | 'h5' | 'console';
  /** Our order number at the provider (unique; 32 characters at most for WeChat Pay). */
  out_trade_no: string;
  transaction_id: string | null;
  /** JSON: what the resident's browser needs to pay (JSAPI's signed parameters, H5's URL). */
  pay_params: string;
  created_at: string;
  expires_at: string;
  paid_at: string | null;
  /** The Asia/Shanghai day of paid_at: service income by day. */
  paid_day: string | null;
  closed_at: string | null;
  refund_no: string | null;
  refund_status: 'processing' | 'success' | 'closed' | 'abnormal' | null;
  refunded_at: string | null;
  /** When the provider was last asked about it (a lost notice). */
  queried_at: string | null;
}

export type DeliveryStatus = 'requested' | 'paid' | 'dispatched' | 'delivered' | 'cancelled';
/** 送货上门: a resident's request that waiting parcels be brought to the door. */
export interface DeliveryTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  resident_phone: string;
  note: string | null;
  status: DeliveryStatus;
  /** The community's price per parcel when asked, and the whole amount. */
  price_fen: number;
  amount_fen: number;
  runner_id: number | null;
  created_at: string;
  paid_at: string | null;
  dispatched_at: string | null;
  dispatched_by: number | null;
  delivered_at: string | null;
  delivered_by: number | null;
  cancelled_at: string | null;
}
export interface DeliveryParcelTable {
  org_id: number;
  delivery_id: number;
  parcel_id: number;
}

export type ShipmentStatus = 'requested' | 'quoted' | 'paid' | 'handed_over' | 'cancelled';
/** 代寄: a resident's sending order, weighed and quoted at the desk, handed to a courier. */
export interface ShipmentTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  sender_phone: string;
  receiver_name: string;
  receiver_phone: string;
  receiver_address: string;
  item: string;
  carrier_wish: string | null;
  status: ShipmentStatus;
  weight_grams: number | null;
  price_fen: number | null;
  tracking_no: string | null;
  courier_id: number | null;
  created_at: string;
  quoted_at: string | null;
  quoted_by: number | null;
  paid_at: string | null;
  handed_over_at: string | null;
  handed_over_by: number | null;
  cancelled_at: string | null;
}

export type PaymentRow = Selectable<PaymentTable>;
export type DeliveryRow = Selectable<DeliveryTable>;
export type ShipmentRow = Selectable<ShipmentTable>;
export type StaffRow = Selectable<StaffTable>;
export type CommunityRow = Selectable<CommunityTable>;
export type ShelfRow = Selectable<ShelfTable>;
export type NewParcel = Insertable<ParcelTable>;
export type ParcelUpdate = Updateable<ParcelTable>;
export type ParcelEventRow = Selectable<ParcelEventTable>;
export type OutboxRow = Selectable<OutboxTable>;

export type PreferenceMode = 'collect' | 'door' | 'other';

/** 收件偏好 of a phone in a community (SPEC §19); carriers and carrier_consent are JSON maps by carrier. */
export interface PreferenceTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  phone: string;
  phone_hash: string;
  mode: PreferenceMode;
  carriers: string;
  carrier_consent: string;
  consent_at: string | null;
  updated_at: string;
}

/** Every change of a preference, append-only. */
export interface PreferenceChangeTable {
  id: Generated<number>;
  org_id: number;
  community_id: number;
  phone: string;
  at: string;
  from_mode: PreferenceMode | null;
  from_carriers: string | null;
  mode: PreferenceMode;
  carriers: string;
  carrier_consent: string;
  consent_at: string | null;
  by: string;
}
