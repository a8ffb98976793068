import { z } from 'zod';
import { Id, Text } from '../../../shared/schemas.js';
import { PaymentView } from '../payments/payments.schema.js';
import { PARCEL_STATUSES } from '../../../shared/parcel-status.js';

const ParcelStatusEnum = z.enum(PARCEL_STATUSES);

export const DeliveryStatus = z.enum(['requested', 'paid', 'dispatched', 'delivered', 'cancelled']);

export const DeliveryCreateBody = z.strictObject({
  parcelIds: z.array(Id).min(1, '请选择要送货上门的快递').max(20, '一次最多20件'),
  note: Text(100).optional(),
});
export type DeliveryCreateReq = z.infer<typeof DeliveryCreateBody>;

export const DispatchBody = z.strictObject({ staffId: Id });
export const DeliveryQuery = z.strictObject({ status: DeliveryStatus.optional(), communityId: Id.optional() });

export const DeliveryView = z.object({
  id: z.number(),
  communityId: z.number(),
  communityName: z.string(),
  parcelIds: z.array(z.number()),
  parcels: z.array(
    z.object({
      id: z.number(),
      carrier: z.string(),
      trackingNo: z.string(),
      shelfLabel: z.string().nullable(),
      status: ParcelStatusEnum,
      recipientName: z.string(),
      address: z.string().nullable(),
    }),
  ),
  status: DeliveryStatus,
  /** The price per parcel when asked, and the whole amount. */
  priceFen: z.number(),
  amountFen: z.number(),
  note: z.string().nullable(),
  /** The resident's phone (the desk's to call; the resident's own). */
  residentPhone: z.string(),
  runner: z.object({ id: z.number(), name: z.string() }).nullable(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  payment: PaymentView.nullable(),
});
export const DeliveryList = z.object({ items: z.array(DeliveryView), total: z.number() });
