import { z } from 'zod';

/** A payment as its payer and the desk see it (API.md "Resident services and payment"). */
export const PaymentView = z.object({
  id: z.number(),
  purpose: z.enum(['custody_fee', 'door_delivery', 'shipment']),
  amountFen: z.number(),
  status: z.enum(['created', 'paid', 'refunded', 'closed']),
  /** How it is paid: JSAPI inside WeChat, H5 outside it, or the console provider (development). */
  channel: z.enum(['jsapi', 'h5', 'console']),
  /** What WeChat's JSAPI (appId, timeStamp, nonceStr, package, signType, paySign) or H5 (h5Url) needs; null once it cannot be paid. */
  payParams: z.record(z.string(), z.string()).nullable(),
  refundStatus: z.enum(['processing', 'success', 'closed', 'abnormal']).nullable(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
});
