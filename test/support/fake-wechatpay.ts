import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A stand-in for WeChat Pay API v3 (api.mch.weixin.qq.com, 直连商户) that refuses what WeChat Pay
// refuses: every request must carry a WECHATPAY2-SHA256-RSA2048 signature that verifies with the
// merchant's public key, for the merchant's serial, within 5 minutes; every answer is signed with
// the fake's own platform key (as the real platform signs, so the client's verifier is exercised);
// notices are signed with that key and their resource encrypted with the APIv3 key
// (AEAD_AES_256_GCM), as WeChat Pay sends them.

export interface FakeOrder {
  outTradeNo: string;
  kind: 'jsapi' | 'h5';
  appid: string;
  description: string;
  amountFen: number;
  notifyUrl: string;
  openid?: string;
  payerIp?: string;
  timeExpire: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId?: string;
  successTime?: string;
  prepayId: string;
}

export interface FakeRefund {
  outTradeNo: string;
  outRefundNo: string;
  amountFen: number;
  totalFen: number;
  reason: string;
  refundId: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  /** Why it was refused, when it was. */
  refused?: string;
}

export interface FakeWechatPayOptions {
  mchid: string;
  appid: string;
  /** The merchant certificate's serial the requests must name. */
  merchantSerial: string;
  merchantPublicKey: KeyObject | string;
  apiV3Key: string;
  /** The clock notices are stamped with (the app's injected clock); the real one for requests and answers. */
  noticeClock?: () => Date;
}

export const FAKE_PLATFORM_SERIAL = 'PUB_KEY_ID_0114232134912410000000000000001';

/** A merchant for the tests: its key pair and numbers, and the APIv3 key both sides share. */
export function fakeMerchant() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    mchid: '1900009191',
    appid: 'wxd678efh567hg6787',
    serial: '3775B6A45ACD588826D15E583A95F5DD12345678',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
    apiV3Key: randomBytes(16).toString('hex'),
  };
}

const nonce = () => randomBytes(16).toString('hex');
const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

function signWith(key: KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message).sign(key, 'base64');
}

export class FakeWechatPay {
  readonly orders = new Map<string, FakeOrder>();
  readonly refunds: FakeRefund[] = [];
  readonly requests: FakeRequest[] = [];
  /** The platform key pair (its public half is what the product is configured with). */
  readonly platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  /** The next requests answer this HTTP status instead (a gateway's error), while it is set. */
  failWith: number | null = null;
  private server: http.Server | null = null;
  private seq = 0;

  constructor(private readonly opts: FakeWechatPayOptions) {}

  get platformPublicKeyPem(): string {
    return this.platform.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private reply(res: http.ServerResponse, req: { method: string; path: string }, status: number, body: unknown, refused?: string) {
    this.requests.push({ ...req, status, ...(refused ? { refused } : {}) });
    const text = body === null ? '' : JSON.stringify(body);
    const ts = seconds(new Date());
    const n = nonce();
    res.writeHead(status, {
      'content-type': 'application/json',
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': n,
      'Wechatpay-Serial': FAKE_PLATFORM_SERIAL,
      'Wechatpay-Signature': signWith(this.platform.privateKey, `${ts}\n${n}\n${text}\n`),
      'Request-ID': `fake-${++this.seq}`,
    });
    res.end(text);
  }

  /** The request's signature as WeChat Pay checks it; the reason it fails, or null. */
  private refusal(req: http.IncomingMessage, path: string, body: string): string | null {
    const auth = req.headers.authorization ?? '';
    const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(auth);
    if (!m?.[1]) return 'no WECHATPAY2-SHA256-RSA2048 authorization';
    const fields = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (fields.mchid !== this.opts.mchid) return `mchid ${fields.mchid}`;
    if (fields.serial_no !== this.opts.merchantSerial) return `serial_no ${fields.serial_no}`;
    const ts = Number(fields.timestamp);
    if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return 'timestamp out of the 5-minute window';
    const message = `${req.method}\n${path}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    const ok = createVerify('RSA-SHA256')
      .update(message)
      .verify(this.opts.merchantPublicKey, fields.signature ?? '', 'base64');
    return ok ? null : 'signature does not verify with the merchant public key';
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const r = { method, path };
    if (this.failWith !== null) return this.reply(res, r, this.failWith, { code: 'SYSTEM_ERROR', message: '系统错误' }, 'failWith');
    const why = this.refusal(req, path, body);
    if (why) return this.reply(res, r, 401, { code: 'SIGN_ERROR', message: '签名错误' }, why);
    const data = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const url = new URL(path, 'http://fake');

    const place = /^\/v3\/pay\/transactions\/(jsapi|h5)$/.exec(url.pathname);
    if (method === 'POST' && place?.[1]) {
      const kind = place[1] as 'jsapi' | 'h5';
      const amount = data.amount as { total?: unknown; currency?: unknown } | undefined;
      const payer = data.payer as { openid?: string } | undefined;
      const scene = data.scene_info as { payer_client_ip?: string; h5_info?: { type?: string } } | undefined;
      const outTradeNo = String(data.out_trade_no ?? '');
      const bad =
        data.appid !== this.opts.appid
          ? 'appid'
          : data.mchid !== this.opts.mchid
            ? 'mchid'
            : !/^[A-Za-z0-9_\-|*]{6,32}$/.test(outTradeNo)
              ? 'out_trade_no'
              : typeof amount?.total !== 'number' || !Number.isInteger(amount.total) || amount.total <= 0 || amount.currency !== 'CNY'
                ? 'amount'
                : typeof data.notify_url !== 'string' || typeof data.description !== 'string' || typeof data.time_expire !== 'string'
                  ? 'notify_url/description/time_expire'
                  : kind === 'jsapi' && !payer?.openid
                    ? 'payer.openid'
                    : kind === 'h5' && (!scene?.payer_client_ip || scene.h5_info?.type !== 'Wap')
                      ? 'scene_info'
                      : null;
      if (bad) return this.reply(res, r, 400, { code: 'PARAM_ERROR', message: `参数错误: ${bad}` }, bad);
      const known = this.orders.get(outTradeNo);
      if (known && known.amountFen !== amount?.total)
        return this.reply(res, r, 400, { code: 'INVALID_REQUEST', message: '201 商户订单号重复' }, 'out_trade_no reused');
      const order: FakeOrder = known ?? {
        outTradeNo,
        kind,
        appid: String(data.appid),
        description: String(data.description),
        amountFen: Number(amount?.total),
        notifyUrl: String(data.notify_url),
        ...(payer?.openid ? { openid: payer.openid } : {}),
        ...(scene?.payer_client_ip ? { payerIp: scene.payer_client_ip } : {}),
        timeExpire: String(data.time_expire),
        state: 'NOTPAY',
        prepayId: `wx${randomBytes(14).toString('hex')}`,
      };
      this.orders.set(outTradeNo, order);
      return this.reply(
        res,
        r,
        200,
        kind === 'jsapi' ? { prepay_id: order.prepayId } : { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${order.prepayId}` },
      );
    }

    const byNo = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(url.pathname);
    if (byNo?.[1]) {
      const order = this.orders.get(decodeURIComponent(byNo[1]));
      if (!order) return this.reply(res, r, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      if (method === 'GET' && !byNo[2]) {
        if (url.searchParams.get('mchid') !== this.opts.mchid) return this.reply(res, r, 400, { code: 'PARAM_ERROR', message: 'mchid' }, 'mchid');
        return this.reply(res, r, 200, this.transaction(order));
      }
      if (method === 'POST' && byNo[2]) {
        if (order.state === 'SUCCESS' || order.state === 'REFUND') return this.reply(res, r, 400, { code: 'ORDERPAID', message: '订单已支付' });
        order.state = 'CLOSED';
        return this.reply(res, r, 204, null);
      }
    }

    if (method === 'POST' && url.pathname === '/v3/refund/domestic/refunds') {
      const amount = data.amount as { refund?: number; total?: number; currency?: string } | undefined;
      const order = this.orders.get(String(data.out_trade_no));
      if (!order) return this.reply(res, r, 404, { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' });
      if (order.state !== 'SUCCESS' && order.state !== 'REFUND') return this.reply(res, r, 400, { code: 'INVALID_REQUEST', message: '订单未支付' });
      const again = this.refunds.find((x) => x.outRefundNo === data.out_refund_no);
      if (again) return this.reply(res, r, 200, { refund_id: again.refundId, out_refund_no: again.outRefundNo, status: 'PROCESSING' });
      if (amount?.total !== order.amountFen || typeof amount.refund !== 'number' || amount.refund <= 0 || amount.refund > order.amountFen) {
        return this.reply(res, r, 400, { code: 'PARAM_ERROR', message: '退款金额' }, 'refund amount');
      }
      const refund: FakeRefund = {
        outTradeNo: order.outTradeNo,
        outRefundNo: String(data.out_refund_no),
        amountFen: amount.refund,
        totalFen: amount.total,
        reason: String(data.reason ?? ''),
        refundId: `50000${randomBytes(8).toString('hex')}`,
      };
      this.refunds.push(refund);
      order.state = 'REFUND';
      return this.reply(res, r, 200, { refund_id: refund.refundId, out_refund_no: refund.outRefundNo, status: 'PROCESSING' });
    }
    return this.reply(res, r, 404, { code: 'NOT_FOUND', message: 'no such API' }, 'unknown path');
  }

  private transaction(o: FakeOrder) {
    return {
      appid: o.appid,
      mchid: this.opts.mchid,
      out_trade_no: o.outTradeNo,
      ...(o.transactionId ? { transaction_id: o.transactionId } : {}),
      trade_type: o.kind === 'jsapi' ? 'JSAPI' : 'MWEB',
      trade_state: o.state,
      trade_state_desc: o.state,
      ...(o.successTime ? { success_time: o.successTime } : {}),
      ...(o.openid ? { payer: { openid: o.openid } } : {}),
      amount: { total: o.amountFen, payer_total: o.amountFen, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  /** The payer pays: the order is SUCCESS at WeChat Pay; answers the notice WeChat Pay would send. */
  pay(outTradeNo: string): { headers: Record<string, string>; body: string } {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new Error(`no order ${outTradeNo}`);
    order.state = 'SUCCESS';
    order.transactionId = `4200000${randomBytes(10).toString('hex')}`;
    order.successTime = new Date(this.noticeNow()).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    return this.notice('TRANSACTION.SUCCESS', 'transaction', this.transaction(order));
  }

  /** The notice of a refund's end (REFUND.SUCCESS …). */
  refundNotice(outRefundNo: string, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' = 'SUCCESS') {
    const refund = this.refunds.find((x) => x.outRefundNo === outRefundNo);
    if (!refund) throw new Error(`no refund ${outRefundNo}`);
    return this.notice(`REFUND.${status}`, 'refund', {
      mchid: this.opts.mchid,
      out_trade_no: refund.outTradeNo,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: status,
      amount: { total: refund.totalFen, refund: refund.amountFen, payer_total: refund.totalFen, payer_refund: refund.amountFen },
    });
  }

  private noticeNow(): number {
    return (this.opts.noticeClock?.() ?? new Date()).getTime();
  }

  /**
   * A notice as WeChat Pay sends it: the resource encrypted with the APIv3 key, the body signed
   * with the platform key (`signer`: another key, for a forgery), stamped with the notice clock
   * (`at`: another instant, for a replay).
   */
  notice(eventType: string, originalType: string, resource: unknown, opts: { signer?: KeyObject; at?: Date; apiV3Key?: string } = {}) {
    const iv = randomBytes(6).toString('hex');
    const aad = originalType;
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(opts.apiV3Key ?? this.opts.apiV3Key), Buffer.from(iv));
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
    const at = opts.at ?? new Date(this.noticeNow());
    const body = JSON.stringify({
      id: `EV-${randomBytes(8).toString('hex')}`,
      create_time: at.toISOString(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: eventType === 'TRANSACTION.SUCCESS' ? '支付成功' : '退款',
      resource: { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: aad, nonce: iv },
    });
    const ts = seconds(at);
    const n = nonce();
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': ts,
        'wechatpay-nonce': n,
        'wechatpay-serial': FAKE_PLATFORM_SERIAL,
        'wechatpay-signature': signWith(opts.signer ?? this.platform.privateKey, `${ts}\n${n}\n${body}\n`),
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      },
    };
  }
}
