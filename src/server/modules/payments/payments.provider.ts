// How a payment reaches the resident's wallet and back: the provider the configuration names
// (PAY_PROVIDER). `console` (the default) pays nothing: a developer, or a test, says a payment
// succeeded with POST /api/dev/payments/:id/succeed; `wechat` is WeChat Pay API v3 (wechat-pay.ts).

export type PaymentChannel = 'jsapi' | 'h5' | 'console';
export type RefundState = 'processing' | 'success' | 'closed' | 'abnormal';

/** An order as the provider is asked to open it. */
export interface PayOrder {
  outTradeNo: string;
  description: string;
  amountFen: number;
  expiresAt: Date;
  /** The payer: their openid (bound through the official account) and whether they are inside WeChat's browser. */
  payer: { openid?: string; inWechat: boolean; ip: string };
}

/** What the resident's browser needs to pay: JSAPI's signed parameters, or H5's address. */
export interface Prepared {
  channel: PaymentChannel;
  payParams: Record<string, string>;
}

/** An order as the provider knows it. */
export type TradeState =
  | { state: 'paid'; amountFen: number; transactionId: string; paidAt: string }
  | { state: 'open' }
  | { state: 'closed' }
  | { state: 'refunded' }
  | { state: 'not_found' };

/** A notice whose signature and time checked out, its resource decrypted. */
export type PayNotice =
  | { kind: 'paid'; outTradeNo: string; transactionId: string; amountFen: number; paidAt: string }
  | { kind: 'refund'; outTradeNo: string; outRefundNo: string; state: RefundState }
  | { kind: 'other'; eventType: string };

export interface PayProvider {
  name: 'console' | 'wechat';
  prepare(order: PayOrder): Promise<Prepared>;
  /** The order query: how a lost notice is recovered. */
  query(outTradeNo: string): Promise<TradeState>;
  /** Closes an order not paid (so it can never be paid later). */
  close(outTradeNo: string): Promise<void>;
  refund(r: { outTradeNo: string; outRefundNo: string; amountFen: number; totalFen: number; reason: string }): Promise<RefundState>;
  /**
   * A notice as it arrived (headers, the body's exact text): its content once the signature, the
   * platform key's serial and the timestamp (±5 minutes of `now`) check out, else null.
   */
  readNotice(headers: Record<string, string | string[] | undefined>, body: string, now: Date): PayNotice | null;
}

/** The console provider: nothing leaves the server; refunds succeed at once; no notice is ever genuine. */
export const consolePayProvider: PayProvider = {
  name: 'console',
  prepare: async () => ({ channel: 'console', payParams: {} }),
  query: async () => ({ state: 'open' }),
  close: async () => {},
  refund: async () => 'success',
  readNotice: () => null,
};
