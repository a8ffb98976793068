/** Limits and sizes shared by the server and the web apps. */
export const PICKUP_CODE_LENGTH = 6;
/** A search counts its matches up to this many; beyond, the list says 1000+ (narrow the search). */
export const SEARCH_COUNT_CAP = 1000;
export const OTP_LENGTH = 6;
export const OTP_TTL_MS = 10 * 60 * 1000;
export const OTP_MAX_WRONG_TRIES = 5;
/** OTP sends per phone: one a minute, ten a day; per client address: thirty an hour. */
export const OTP_LIMITS = {
  perPhonePerMinute: 1,
  perPhonePerDay: 10,
  perIpPerHour: 30,
} as const;
/**
 * Failed staff sign-ins in 15 minutes: 10 for one account from one address, 50 from one address
 * (any accounts; also wrong SMS codes), and 100 for one account from anywhere. An attacker at one
 * address locks only that address out of the account; the looser limit per account still stops
 * guessing spread over many addresses.
 */
export const LOGIN_LIMITS = { windowMs: 15 * 60 * 1000, perAccountAndIp: 10, perIp: 50, perAccount: 100 } as const;
export const DAY_MS = 24 * 60 * 60 * 1000;
/** Notification SMS to one phone (SMS pumping): a resident's busiest day stays well under it. */
export const SMS_CAPS = { perHour: 20, perDay: 50 } as const;
/**
 * Recipient look-ups (a typed phone → a resident's name and address) per courier account: far
 * above a busy courier's pace, far below what walking through residents' phones would take.
 */
export const RECIPIENT_LOOKUP_LIMITS = { perHour: 600, perDay: 3000 } as const;
/**
 * Load shedding: requests being answered at once (past it, 503), API requests a minute per
 * session or, without one, per client address (past it, 429): a clerk at a busy desk makes a few a
 * second at most; and open connections per client address (a browser opens 6 at most).
 */
export const OVERLOAD_LIMITS = { maxInFlight: 256, perMinute: 600, connectionsPerAddress: 64 } as const;
/**
 * A client has this long to send a request's headers and the whole request (a 5 MB spreadsheet
 * over a slow phone line fits in a minute); a socket idle for `idleMs` is closed.
 */
export const HTTP_TIMEOUTS = { headersMs: 10_000, requestMs: 60_000, idleMs: 120_000 } as const;
export const MAX_FEE_RATE_FEN = 100_00;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;
export const MAX_BATCH = 200;
/** How long a session lives unused; each use extends it (once half of it has passed). */
export const SESSION_TTL_MS = {
  staff: 12 * 60 * 60 * 1000,
  courier: 30 * DAY_MS,
  resident: 30 * DAY_MS,
} as const;
/** How long a session lives at most, however often it is used: then its user signs in again. */
export const SESSION_MAX_AGE_MS = {
  staff: DAY_MS,
  courier: 90 * DAY_MS,
  resident: 90 * DAY_MS,
} as const;
/** A tracking number as stored: 3 to 40 capital letters, digits or dashes. */
export const TRACKING_NO_PATTERN = /^[A-Z0-9-]{3,40}$/;
/** The shape of a mainland mobile number, for a form's quick check (the API checks it fully). */
export const MOBILE_SHAPE = /^1[3-9]\d{9}$/;
/** 货架: layers and parcels a shelf may have at most. */
export const SHELF_LIMITS = { maxLayers: 20, maxCapacity: 10_000 } as const;
/** A shelf label as printed and sent: shelf code, layer, serial of the day (`A-3-0127`). */
export const SHELF_LABEL_PATTERN = /^[A-Z0-9]{1,4}-\d{1,2}-\d{4,}$/;
/** 出库: parcels handed out at once to one recipient at most. */
export const MAX_CHECKOUT = 50;
/** 家人代领: phones one resident may authorize. */
export const HOUSEHOLD_LIMITS = { members: 5 } as const;
/**
 * Payments: how long an order stays open; how close to its end an open one is still handed out
 * again; after how long an open one is asked about (a lost notice), and how often at most while
 * its payer looks at it; how many the sweep handles at once.
 */
export const PAYMENT_LIMITS = { openMs: 30 * 60_000, reuseMarginMs: 5 * 60_000, queryAfterMs: 60_000, queryEveryMs: 5_000, sweepBatch: 100 } as const;
/** 代寄: the heaviest parcel the desk weighs (50 kg) and the dearest quote (¥9,999.99). */
export const SHIPMENT_LIMITS = { maxWeightGrams: 50_000, maxPriceFen: 999_999 } as const;
/** The open API: items in one pre-advice call, calls a minute per key, days pre-advice is kept, keys an org may hold. */
export const OPEN_API_LIMITS = { preAdviceBatch: 1000, perMinute: 600, preAdviceDays: 30, keysPerOrg: 50 } as const;
/**
 * Webhooks: subscriptions an org may hold; how long a receiver has to answer; for how long a
 * delivery is retried; the first retry's delay (doubling, at most an hour); days deliveries are kept.
 */
export const WEBHOOK_LIMITS = { perOrg: 20, timeoutMs: 5_000, retryForMs: 24 * 3_600_000, firstRetryMs: 10_000, maxRetryMs: 3_600_000, keepDays: 30 } as const;
/** The events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = ['parcel.received', 'parcel.picked_up', 'parcel.rejected', 'parcel.returned', 'parcel.exception'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
