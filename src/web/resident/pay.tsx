// 支付 in the resident app (SPEC §16): a payment the API opened is paid the way its channel says
// (WeChat's JSAPI inside WeChat, WeChat's H5 page outside it, or, in development, the console
// provider's 模拟支付), then its state is asked for until it is paid: the API checks with WeChat
// when no notice came. What the payment pays for is then read again by the screen.
import { Button, Dialog, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import type { Parcel, Payment } from '../api-types.js';
import { useT, type EnglishOf, type T } from '../i18n.js';
import { formatFen } from '../mobile/format.js';

export const PAY_EN: EnglishOf = {
  '模拟支付（开发环境）': 'Simulated payment (development)',
  '本环境未接入微信支付，确认后视为支付成功。': 'WeChat Pay is not connected here: confirming counts as paid.',
  支付成功: 'Paid',
  取消: 'Cancel',
  支付金额: 'Amount',
  已取消支付: 'Payment cancelled',
  支付失败: 'Payment failed',
  请在微信中打开后支付: 'Open this page in WeChat to pay',
  '支付结果确认中，请稍后刷新': 'Confirming the payment; refresh in a moment',
  '支付保管费 {fee}': 'Pay the fee {fee}',
  '已支付 {fee}': 'Paid {fee}',
};

/** A payment not yet confirmed, kept while WeChat's H5 page is open: the page asks for it on return. */
const RETURNING_KEY = 'kd.pay.returning';
const POLL_MS = 1000;
const POLL_TRIES = 10;

type Outcome = 'paid' | 'pending' | 'cancelled';

interface WeixinJSBridge {
  invoke(api: 'getBrandWCPayRequest', params: Record<string, string>, done: (res: { err_msg?: string }) => void): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks for the payment until it is paid (or closed), for a few seconds at most. */
async function waitPaid(id: number): Promise<Outcome> {
  for (let i = 0; i < POLL_TRIES; i++) {
    const p = await api.get<Payment>(`/api/resident/payments/${id}`);
    if (p.status === 'paid' || p.status === 'refunded') return 'paid';
    if (p.status === 'closed') return 'cancelled';
    await sleep(POLL_MS);
  }
  return 'pending';
}

/** WeChat's JSAPI payment sheet: whether the resident paid, cancelled or it failed. */
function payInWechat(params: Record<string, string>): Promise<'ok' | 'cancel' | 'fail' | 'absent'> {
  const bridge = (window as { WeixinJSBridge?: WeixinJSBridge }).WeixinJSBridge;
  if (!bridge) return Promise.resolve('absent');
  return new Promise((resolve) =>
    bridge.invoke('getBrandWCPayRequest', params, (res) => {
      const msg = res.err_msg ?? '';
      resolve(msg.endsWith(':ok') ? 'ok' : msg.endsWith(':cancel') ? 'cancel' : 'fail');
    }),
  );
}

/** Pays an open payment by its channel; answers once it is known paid, still unconfirmed, or given up. */
async function pay(p: Payment, t: T): Promise<Outcome> {
  if (p.status === 'paid') return 'paid';
  if (p.status !== 'created' || !p.payParams) return 'cancelled';
  if (p.channel === 'console') {
    const yes = await Dialog.confirm({
      title: t('模拟支付（开发环境）'),
      content: (
        <div style={{ textAlign: 'center' }}>
          <div className="kd-pay-amount">{formatFen(p.amountFen)}</div>
          <div className="kd-muted">{t('本环境未接入微信支付，确认后视为支付成功。')}</div>
        </div>
      ),
      confirmText: t('支付成功'),
      cancelText: t('取消'),
    });
    if (!yes) return 'cancelled';
    await api.post<Payment>(`/api/dev/payments/${p.id}/succeed`);
    return waitPaid(p.id);
  }
  if (p.channel === 'jsapi') {
    const r = await payInWechat(p.payParams);
    if (r === 'absent') throw new Error(t('请在微信中打开后支付'));
    if (r === 'cancel') return 'cancelled';
    if (r === 'fail') throw new Error(t('支付失败'));
    return waitPaid(p.id);
  }
  // H5: WeChat's page takes over and sends the browser back here (redirect_url) when done.
  const url = p.payParams.h5Url;
  if (!url) throw new Error(t('支付失败'));
  sessionStorage.setItem(RETURNING_KEY, String(p.id));
  window.location.assign(`${url}${url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(window.location.href)}`);
  return new Promise<Outcome>(() => undefined); // the page is leaving
}

/** Tells the resident how a payment went (a payment given up says so only when one was opened). */
function tell(outcome: Outcome, t: T): void {
  if (outcome === 'paid') Toast.show({ icon: 'success', content: t('支付成功') });
  else if (outcome === 'pending') Toast.show({ content: t('支付结果确认中，请稍后刷新'), duration: 3000 });
  else Toast.show({ content: t('已取消支付') });
}

const failed = (err: unknown) => Toast.show({ content: err instanceof Error ? err.message : String(err) });

/**
 * Opens a payment with `open` (an API call answering it) and pays it, telling the resident how it
 * went; `onSettled` runs afterwards, whatever the outcome, so the screen reads its state again.
 */
export async function openAndPay(open: () => Promise<Payment>, t: T, onSettled: () => void): Promise<void> {
  try {
    tell(await pay(await open(), t), t);
  } catch (err) {
    failed(err);
  } finally {
    onSettled();
  }
}

/** Back from WeChat's H5 page: waits for the payment it paid, then `onSettled`. Once per return. */
export function useReturnFromPayment(onSettled: () => void): void {
  const t = useT(PAY_EN);
  const settled = useRef(onSettled);
  settled.current = onSettled;
  const tr = useRef(t);
  tr.current = t;
  useEffect(() => {
    const id = Number(sessionStorage.getItem(RETURNING_KEY));
    if (!id) return;
    sessionStorage.removeItem(RETURNING_KEY);
    waitPaid(id)
      .then((outcome) => tell(outcome, tr.current), failed)
      .finally(() => settled.current());
  }, []);
}

/** 支付保管费 ¥x.xx on a waiting parcel with a fee due; the parcel is read again afterwards. */
export function PayFeeButton({ parcel, onPaid }: { parcel: Parcel; onPaid?: () => void }) {
  const t = useT(PAY_EN);
  const [busy, setBusy] = useState(false);
  const start = () => {
    setBusy(true);
    void openAndPay(
      () => api.post<Payment>(`/api/resident/parcels/${parcel.id}/pay-fee`),
      t,
      () => {
        setBusy(false);
        onPaid?.();
      },
    );
  };
  return (
    <Button size="small" color="primary" className="kd-tap" loading={busy} onClick={start}>
      {t('支付保管费 {fee}', { fee: formatFen(parcel.feeFen) })}
    </Button>
  );
}
