import { z } from 'zod';
import { Id } from '../../../shared/schemas.js';
import { FormatQuery } from '../spreadsheets/sheet-http.js';

/** A range of Shanghai days, both ends included; 7 days to today when absent, at most 400 days. */
export const StatsQuery = z.strictObject({
  communityId: Id.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type StatsQueryReq = z.infer<typeof StatsQuery>;
export const StatsExportQuery = StatsQuery.extend(FormatQuery);

export const StatsSummary = z.object({
  from: z.string(),
  to: z.string(),
  received: z.number(),
  pickedUp: z.number(),
  rejected: z.number(),
  returned: z.number(),
  /** Now, whatever the range: parcels awaiting pickup, and of them those past their community's returnAfterDays. */
  waitingNow: z.number(),
  staleNow: z.number(),
  /** Of the parcels picked up in the range, received to picked up, by the hour (nearest rank; null without any). */
  dwellMedianHours: z.number().nullable(),
  dwellP90Hours: z.number().nullable(),
  feeIncomeFen: z.number(),
  /** Fees waived at pickup (撤销), counted as parcels. */
  feeWaived: z.number(),
  /** 送货上门 and 代寄 (issue 21); 0 until they are offered. */
  serviceIncomeFen: z.number(),
  smsSent: z.number(),
  wechatSent: z.number(),
});

export const StatsDaily = z.object({
  items: z.array(
    z.object({
      day: z.string(),
      received: z.number(),
      pickedUp: z.number(),
      rejected: z.number(),
      returned: z.number(),
      feeIncomeFen: z.number(),
      serviceIncomeFen: z.number(),
      smsSent: z.number(),
    }),
  ),
});

export const StatsByCourier = z.object({
  items: z.array(
    z.object({
      /** null: parcels taken in at the desk without a courier record. */
      courierId: z.number().nullable(),
      name: z.string(),
      carrier: z.string(),
      received: z.number(),
      rejected: z.number(),
      returned: z.number(),
    }),
  ),
});

export const StatsByCarrier = z.object({
  items: z.array(z.object({ carrier: z.string(), received: z.number(), pickedUp: z.number(), rejected: z.number(), returned: z.number() })),
});

export const StatsByCommunity = z.object({
  items: z.array(
    z.object({
      communityId: z.number(),
      name: z.string(),
      received: z.number(),
      pickedUp: z.number(),
      feeIncomeFen: z.number(),
      serviceIncomeFen: z.number(),
      waitingNow: z.number(),
    }),
  ),
});
