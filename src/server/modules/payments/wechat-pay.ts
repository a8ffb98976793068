// WeChat Pay API v3 (直连商户) through wechatpay-axios-plugin: it signs every request with the
// merchant's private key (WECHATPAY2-SHA256-RSA2048) and refuses an answer whose platform
// signature does not verify; notices are checked here the same way and their resource decrypted
// with the APIv3 key (AEAD_AES_256_GCM). The base URL is configurable so that tests drive a fake.
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { shanghaiIso } from '../../../shared/time.js';
import type { Config } from '../../config.js';
import type { PayNotice, PayOrder, PayProvider, Prepared, RefundState, TradeState } from './payments.provider.js';

type WechatPayConfig = Extract<Config['pay'], { provider: 'wechat' }>;

/** A notice older or newer than this (against our clock) is refused: a replay of a captured one. */
const NOTICE_WINDOW_S = 300;

const REFUND_STATES: Record<string, RefundState> = { SUCCESS: 'success', PROCESSING: 'processing', CLOSED: 'closed', ABNORMAL: 'abnormal' };

/** An error WeChat Pay answered (its code and message), or no answer at all. */
class WechatPayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(`WeChat Pay ${code}: ${message}`);
  }
}

function asPayError(err: unknown): WechatPayError {
  const e = err as { response?: { status?: number; data?: { code?: string; message?: string } }; code?: string; message?: string };
  if (e.response?.data?.code) return new WechatPayError(e.response.data.code, e.response.data.message ?? '', e.response.status);
  return new WechatPayError(e.code ?? 'NETWORK', e.message ?? String(err), e.response?.status);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function wechatPayProvider(c: WechatPayConfig): PayProvider {
  const privateKey = Rsa.from(c.privateKey, Rsa.KEY_TYPE_PRIVATE);
  const platformKey = Rsa.from(c.platformKey, Rsa.KEY_TYPE_PUBLIC);
  const wxpay = new Wechatpay({
    mchid: c.mchId,
    serial: c.serial,
    privateKey: c.privateKey,
    certs: { [c.platformSerial]: c.platformKey },
    baseURL: c.apiBase,
    timeout: 10_000,
  });
  const call = async <T>(p: PromiseLike<{ data: T }>): Promise<T> => {
    try {
      return (await p).data;
    } catch (err) {
      throw asPayError(err);
    }
  };

  /** JSAPI inside WeChat with the payer's openid; H5 (the mobile browser's cashier) otherwise. */
  async function prepare(o: PayOrder): Promise<Prepared> {
    const base = {
      appid: c.appId,
      mchid: c.mchId,
      description: o.description.slice(0, 127),
      out_trade_no: o.outTradeNo,
      time_expire: shanghaiIso(o.expiresAt),
      notify_url: c.notifyUrl,
      amount: { total: o.amountFen, currency: 'CNY' },
    };
    if (o.payer.inWechat && o.payer.openid) {
      const { prepay_id } = await call<{ prepay_id: string }>(wxpay.chain('v3/pay/transactions/jsapi').post({ ...base, payer: { openid: o.payer.openid } }));
      const timeStamp = String(Formatter.timestamp());
      const nonceStr = Formatter.nonce();
      const pkg = `prepay_id=${prepay_id}`;
      const paySign = Rsa.sign(Formatter.joinedByLineFeed(c.appId, timeStamp, nonceStr, pkg), privateKey);
      return { channel: 'jsapi', payParams: { appId: c.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign } };
    }
    const { h5_url } = await call<{ h5_url: string }>(
      wxpay.chain('v3/pay/transactions/h5').post({ ...base, scene_info: { payer_client_ip: o.payer.ip, h5_info: { type: 'Wap' } } }),
    );
    return { channel: 'h5', payParams: { h5Url: h5_url } };
  }

  async function query(outTradeNo: string): Promise<TradeState> {
    let t: { trade_state: string; transaction_id?: string; success_time?: string; amount?: { total: number }; mchid?: string; appid?: string };
    try {
      t = (await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ params: { mchid: c.mchId }, out_trade_no: outTradeNo })).data;
    } catch (err) {
      const e = asPayError(err);
      if (e.code === 'ORDER_NOT_EXIST' || e.code === 'RESOURCE_NOT_EXISTS') return { state: 'not_found' };
      throw e;
    }
    if (t.mchid !== undefined && t.mchid !== c.mchId) throw new WechatPayError('MCHID_MISMATCH', 'the order belongs to another merchant');
    if (t.trade_state === 'SUCCESS' && t.transaction_id && t.amount) {
      return { state: 'paid', amountFen: t.amount.total, transactionId: t.transaction_id, paidAt: new Date(t.success_time ?? Date.now()).toISOString() };
    }
    if (t.trade_state === 'REFUND') return { state: 'refunded' };
    if (t.trade_state === 'CLOSED' || t.trade_state === 'REVOKED' || t.trade_state === 'PAYERROR') return { state: 'closed' };
    return { state: 'open' };
  }

  async function close(outTradeNo: string): Promise<void> {
    await call(wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ mchid: c.mchId }, { out_trade_no: outTradeNo }));
  }

  async function refund(r: { outTradeNo: string; outRefundNo: string; amountFen: number; totalFen: number; reason: string }): Promise<RefundState> {
    const answer = await call<{ status: string }>(
      wxpay.chain('v3/refund/domestic/refunds').post({
        out_trade_no: r.outTradeNo,
        out_refund_no: r.outRefundNo,
        reason: r.reason.slice(0, 80),
        notify_url: c.notifyUrl,
        amount: { refund: r.amountFen, total: r.totalFen, currency: 'CNY' },
      }),
    );
    return REFUND_STATES[answer.status] ?? 'processing';
  }

  function readNotice(headers: Record<string, string | string[] | undefined>, body: string, now: Date): PayNotice | null {
    const [timestamp, nonce, signature, serial] = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'].map((h) =>
      header(headers, h),
    );
    if (!timestamp || !nonce || !signature || serial !== c.platformSerial || !/^\d{1,12}$/.test(timestamp)) return null;
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > NOTICE_WINDOW_S) return null;
    let verified = false;
    try {
      verified = Rsa.verify(Formatter.response(timestamp, nonce, body), signature, platformKey);
    } catch {
      verified = false;
    }
    if (!verified) return null;
    let plain: Record<string, unknown>;
    let eventType: string;
    try {
      const n = JSON.parse(body) as { event_type: string; resource: { algorithm: string; ciphertext: string; nonce: string; associated_data?: string } };
      if (n.resource.algorithm !== 'AEAD_AES_256_GCM') return null;
      eventType = n.event_type;
      plain = JSON.parse(Aes.AesGcm.decrypt(n.resource.ciphertext, c.apiV3Key, n.resource.nonce, n.resource.associated_data ?? '')) as Record<string, unknown>;
    } catch {
      return null;
    }
    if (plain.mchid !== c.mchId) return null;
    if (eventType === 'TRANSACTION.SUCCESS') {
      const amount = plain.amount as { total?: unknown } | undefined;
      if (plain.appid !== c.appId || plain.trade_state !== 'SUCCESS' || typeof amount?.total !== 'number') return null;
      return {
        kind: 'paid',
        outTradeNo: String(plain.out_trade_no),
        transactionId: String(plain.transaction_id),
        amountFen: amount.total,
        paidAt: new Date(typeof plain.success_time === 'string' ? plain.success_time : now).toISOString(),
      };
    }
    if (eventType.startsWith('REFUND.')) {
      return {
        kind: 'refund',
        outTradeNo: String(plain.out_trade_no),
        outRefundNo: String(plain.out_refund_no),
        state: REFUND_STATES[String(plain.refund_status)] ?? 'processing',
      };
    }
    return { kind: 'other', eventType };
  }

  return { name: 'wechat', prepare, query, close, refund, readNotice };
}
