// The answers' types, inferred from the server's own zod schemas (type-only imports: nothing of
// the server reaches the bundle), so a renamed field breaks the web build rather than a screen.
import type { z } from 'zod';
import type { MeReply, StaffPublic } from '../server/modules/auth/auth.schema.js';
import type { CommunityView } from '../server/modules/communities/communities.schema.js';
import type { CourierView } from '../server/modules/couriers/couriers.schema.js';
import type { BatchReply, ParcelDetailView, ParcelEventView, ParcelView } from '../server/modules/parcels/parcels.schema.js';
import type { ResidentView } from '../server/modules/residents/residents.schema.js';
import type { NotificationView } from '../server/modules/notifications/notifications.schema.js';
import type { ShelfView } from '../server/modules/shelves/shelves.schema.js';
import type { StaffView } from '../server/modules/staff/staff.schema.js';
import type { CheckoutReply, LookupReply } from '../server/modules/station/station.schema.js';
import type { KeyCreated, KeyView } from '../server/modules/integrations/integrations.schema.js';
import type { AttemptList, DeliveryView, WebhookCreated, WebhookView } from '../server/modules/webhooks/webhooks.schema.js';
import type { AuditEntryView } from '../server/modules/audit/audit.schema.js';
import type { StatsByCarrier, StatsByCommunity, StatsByCourier, StatsDaily, StatsSummary } from '../server/modules/stats/stats.schema.js';
import type { PaymentView } from '../server/modules/payments/payments.schema.js';
import type { DeliveryView as DoorDeliveryView } from '../server/modules/deliveries/deliveries.schema.js';
import type { ShipmentView } from '../server/modules/shipments/shipments.schema.js';
import type { EffectivePreference, PreferenceChange as PreferenceChangeView, PreferenceView } from '../server/modules/preferences/preferences.schema.js';

export type Me = z.infer<typeof MeReply>;
export type StaffMe = Extract<Me, { kind: 'staff' }>;
export type StaffUser = z.infer<typeof StaffPublic>;
export type Community = z.infer<typeof CommunityView>;
export type Courier = z.infer<typeof CourierView>;
export type Resident = z.infer<typeof ResidentView>;
export type Staff = z.infer<typeof StaffView>;
export type Parcel = z.infer<typeof ParcelView>;
export type ParcelDetail = z.infer<typeof ParcelDetailView>;
export type ParcelEvent = z.infer<typeof ParcelEventView>;
export type Notification = z.infer<typeof NotificationView>;
export type BatchResult = z.infer<typeof BatchReply>;
export type ParcelStatus = Parcel['status'];
export type Shelf = z.infer<typeof ShelfView>;
export type LookupResult = z.infer<typeof LookupReply>;
export type CheckoutResult = z.infer<typeof CheckoutReply>;
export type ApiKey = z.infer<typeof KeyView>;
export type ApiKeyCreated = z.infer<typeof KeyCreated>;
export type Webhook = z.infer<typeof WebhookView>;
export type WebhookCreatedResult = z.infer<typeof WebhookCreated>;
export type WebhookDelivery = z.infer<typeof DeliveryView>;
export type WebhookAttempt = z.infer<typeof AttemptList>['items'][number];
export type AuditEntry = z.infer<typeof AuditEntryView>;
export type StatsSummaryReply = z.infer<typeof StatsSummary>;
export type StatsDay = z.infer<typeof StatsDaily>['items'][number];
export type StatsCourierRow = z.infer<typeof StatsByCourier>['items'][number];
export type StatsCarrierRow = z.infer<typeof StatsByCarrier>['items'][number];
export type StatsCommunityRow = z.infer<typeof StatsByCommunity>['items'][number];
/** 支付: a payment of the custody fee, a door delivery or a shipment (SPEC §16). */
export type Payment = z.infer<typeof PaymentView>;
/** 送货上门: a resident's request (the webhooks' `WebhookDelivery` is another thing). */
export type DoorDelivery = z.infer<typeof DoorDeliveryView>;
export type DoorDeliveryStatus = DoorDelivery['status'];
/** 代寄: a resident's sending order. */
export type Shipment = z.infer<typeof ShipmentView>;
export type ShipmentStatus = Shipment['status'];
/** 收件偏好 (SPEC §19): a resident's choice in one community (mode null: not chosen yet). */
export type ResidentPreference = z.infer<typeof PreferenceView>;
export type PreferenceMode = NonNullable<ResidentPreference['mode']>;
/** The preference that counts for one parcel (its carrier's own choice, else the community's). */
export type ParcelPreference = z.infer<typeof EffectivePreference>;
/** One change of a resident's preference, for the console's 收件偏好记录. */
export type PreferenceChange = z.infer<typeof PreferenceChangeView>;
export interface Page<T> {
  items: T[];
  total: number;
  /** A search with more matches than the API counts: `total` is that cap. */
  totalCapped?: true;
}
export interface ImportResult {
  created: number;
  updated: number;
  failed: number;
  errors: { row: number; column: string | null; message: string }[];
}
