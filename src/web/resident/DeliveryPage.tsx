// 送货上门 (SPEC §16): the resident ticks parcels waiting at one community's desk, asks for them to
// be brought to the door, sees the price per parcel × the count and pays; the requests follow
// below with their state (申请中 / 已支付 / 派送中 / 已送达 / 已取消, and the refund), 去支付 while
// unpaid and 取消 until the desk dispatches it. A parcel with a custody fee due is paid first.
import { Button, Checkbox, Dialog, ErrorBlock, Form, List, NavBar, PullToRefresh, Tag, Toast } from 'antd-mobile';
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api.js';
import type { DoorDelivery, Page, Parcel, Payment } from '../api-types.js';
import { useT, type T } from '../i18n.js';
import { formatFen, formatShanghai } from '../mobile/format.js';
import { openAndPay, PayFeeButton, useReturnFromPayment } from './pay.js';
import { LabelledTextArea } from './LabelledTextArea.js';
import { Row } from './ResidentParcelCard.js';
import { DELIVERY_STATUS, refundLabel, SERVICES_EN } from './services.js';

const EN = {
  ...SERVICES_EN,
  送货上门: 'Door delivery',
  选择要送到家的快递: 'Choose the parcels to bring to your door',
  '物业人员会把快递送到您家门口，按件收费。': 'The property staff bring the parcels to your door, for a price per parcel.',
  '/件': '/parcel',
  该小区未开通送货上门: 'no door delivery in this community',
  送货时段: 'Delivery hours',
  暂无待领取的快递: 'No parcels waiting at the desk',
  已申请送货: 'Requested',
  需先支付保管费: 'Pay the custody fee first',
  '备注（选填）': 'Note (optional)',
  '如：放门口、到了打电话': 'e.g. leave at the door, call on arrival',
  '申请送货上门（{n}件）': 'Ask for door delivery ({n})',
  一次只能选择同一小区的快递: 'One community at a time',
  一次最多20件: 'At most 20 at a time',
  已提交送货上门申请: 'Request sent',
  我的送货上门: 'My door deliveries',
  还没有送货上门记录: 'No door deliveries yet',
  送货人: 'Runner',
  '取消送货上门？': 'Cancel this door delivery?',
  '已支付的费用将原路退回。': 'What you paid is refunded.',
  取消送货: 'Cancel',
  不取消: 'Keep it',
  已取消送货上门: 'Door delivery cancelled',
  快递: 'Parcels',
  货架号: 'Shelf',
};

const OPEN: DoorDelivery['status'][] = ['requested', 'paid', 'dispatched'];
const MAX_PARCELS = 20;

/** `¥2.00 × 2件 = ¥4.00`. */
function priceText(t: T, d: Pick<DoorDelivery, 'priceFen' | 'amountFen' | 'parcelIds'>): string {
  return t('{price} × {n}件 = {amount}', { price: formatFen(d.priceFen), n: d.parcelIds.length, amount: formatFen(d.amountFen) });
}

/** The 送货上门 screen: the parcels to choose from, 申请, and the resident's requests. */
export default function DeliveryPage({ actions }: { actions: ReactNode }) {
  const t = useT(EN);
  const [parcels, setParcels] = useState<Parcel[] | null>(null);
  const [deliveries, setDeliveries] = useState<DoorDelivery[] | null>(null);
  const [terms, setTerms] = useState<Map<number, { doorDeliveryFen: number; doorDeliveryHours: string }>>(new Map());
  const [picked, setPicked] = useState<number[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((n) => n + 1);
  useReturnFromPayment(refresh);

  useEffect(() => {
    const fail = (err: unknown) => Toast.show({ content: err instanceof Error ? err.message : String(err) });
    api.get<Page<Parcel>>('/api/resident/parcels', { status: 'awaiting_pickup', pageSize: 100 }).then((r) => setParcels(r.items), fail);
    api.get<{ items: DoorDelivery[] }>('/api/resident/deliveries').then((r) => setDeliveries(r.items), fail);
    api
      .get<{ items: { id: number; doorDeliveryFen: number; doorDeliveryHours: string }[] }>('/api/resident/communities')
      .then((r) => setTerms(new Map(r.items.map((c) => [c.id, c]))), fail);
  }, [tick]);

  const asked = new Set((deliveries ?? []).filter((d) => OPEN.includes(d.status)).flatMap((d) => d.parcelIds));
  const offered = (p: Parcel) => (terms.get(p.communityId)?.doorDeliveryFen ?? 0) > 0;
  const choosable = (p: Parcel) => !asked.has(p.id) && p.feeFen === 0 && offered(p);
  const chosenTerms = (() => {
    const first = (parcels ?? []).find((p) => picked.includes(p.id) && choosable(p));
    return first ? terms.get(first.communityId) : undefined;
  })();
  const chosen = (parcels ?? []).filter((p) => picked.includes(p.id) && choosable(p));

  const toggle = (p: Parcel, on: boolean) => {
    if (!on) return setPicked(picked.filter((id) => id !== p.id));
    const first = chosen[0];
    if (first && first.communityId !== p.communityId) {
      Toast.show({ content: t('一次只能选择同一小区的快递') });
      return setPicked([p.id]);
    }
    if (chosen.length >= MAX_PARCELS) return void Toast.show({ content: t('一次最多20件') });
    setPicked([...chosen.map((x) => x.id), p.id]);
  };

  const pay = (d: DoorDelivery) => openAndPay(() => api.post<Payment>(`/api/resident/deliveries/${d.id}/pay`), t, refresh);

  const request = async () => {
    if (chosen.length === 0 || busy) return;
    setBusy(true);
    try {
      const d = await api.post<DoorDelivery>('/api/resident/deliveries', { parcelIds: chosen.map((p) => p.id), ...(note.trim() ? { note: note.trim() } : {}) });
      setPicked([]);
      setNote('');
      refresh();
      // The price is known from here on: the resident sees it before paying.
      const go = await Dialog.confirm({
        title: t('已提交送货上门申请'),
        content: (
          <div style={{ textAlign: 'center' }} data-testid="delivery-price">
            <div className="kd-pay-amount">{formatFen(d.amountFen)}</div>
            <div className="kd-muted">{priceText(t, d)}</div>
          </div>
        ),
        confirmText: t('去支付'),
        cancelText: t('稍后支付'),
      });
      if (!go) return;
      const open = d.payment?.status === 'created' ? d.payment : null;
      await openAndPay(() => (open ? Promise.resolve(open) : api.post<Payment>(`/api/resident/deliveries/${d.id}/pay`)), t, refresh);
    } catch (err) {
      Toast.show({ content: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (d: DoorDelivery) => {
    const yes = await Dialog.confirm({
      title: t('取消送货上门？'),
      content: d.status === 'paid' ? t('已支付的费用将原路退回。') : undefined,
      confirmText: t('取消送货'),
      cancelText: t('不取消'),
    });
    if (!yes) return;
    try {
      await api.post<DoorDelivery>(`/api/resident/deliveries/${d.id}/cancel`);
      Toast.show({ content: t('已取消送货上门') });
    } catch (err) {
      Toast.show({ content: err instanceof Error ? err.message : String(err) });
    }
    refresh();
  };

  return (
    <div className="kd-page">
      <NavBar back={null} right={actions}>
        {t('送货上门')}
      </NavBar>
      <PullToRefresh onRefresh={async () => refresh()}>
        <List header={t('选择要送到家的快递')} data-testid="delivery-parcels">
          {parcels?.length === 0 && <List.Item>{t('暂无待领取的快递')}</List.Item>}
          {(parcels ?? []).map((p) => (
            <List.Item
              key={p.id}
              description={
                asked.has(p.id) ? (
                  <Tag color="primary" fill="outline">
                    {t('已申请送货')}
                  </Tag>
                ) : p.feeFen > 0 ? (
                  <div className="kd-card-actions" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
                    <span className="kd-warn">{t('需先支付保管费')}</span>
                    <PayFeeButton parcel={p} onPaid={refresh} />
                  </div>
                ) : undefined
              }
            >
              <Checkbox checked={picked.includes(p.id) && choosable(p)} disabled={!choosable(p)} onChange={(on) => toggle(p, on)}>
                <div className="kd-pick">
                  <div>
                    <div>
                      {p.carrier} {p.trackingNo}
                    </div>
                    <div className="kd-muted">
                      {p.communityName}
                      {p.shelfLabel ? ` · ${t('货架号')} ${p.shelfLabel}` : ''}
                      {offered(p)
                        ? ` · ${formatFen(terms.get(p.communityId)?.doorDeliveryFen ?? 0)}${t('/件')}${terms.get(p.communityId)?.doorDeliveryHours ? ` · ${terms.get(p.communityId)?.doorDeliveryHours}` : ''}`
                        : ` · ${t('该小区未开通送货上门')}`}
                    </div>
                  </div>
                </div>
              </Checkbox>
            </List.Item>
          ))}
        </List>
        <Form layout="vertical" mode="card">
          <Form.Item label={t('备注（选填）')}>
            <LabelledTextArea label={t('备注（选填）')} placeholder={t('如：放门口、到了打电话')} maxLength={100} rows={2} value={note} onChange={setNote} />
          </Form.Item>
        </Form>
        <div className="kd-section">
          <Button block color="primary" size="large" disabled={chosen.length === 0} loading={busy} onClick={() => void request()}>
            {t('申请送货上门（{n}件）', { n: chosen.length })}
          </Button>
          {chosenTerms && chosen.length > 0 ? (
            <div style={{ marginTop: 8 }} data-testid="delivery-estimate">
              {t('{price} × {n}件 = {amount}', {
                price: formatFen(chosenTerms.doorDeliveryFen),
                n: chosen.length,
                amount: formatFen(chosenTerms.doorDeliveryFen * chosen.length),
              })}
              {chosenTerms.doorDeliveryHours ? ` · ${t('送货时段')} ${chosenTerms.doorDeliveryHours}` : ''}
            </div>
          ) : null}
          <div className="kd-muted" style={{ marginTop: 8 }}>
            {t('物业人员会把快递送到您家门口，按件收费。')}
          </div>
        </div>
        <div className="kd-section-title">{t('我的送货上门')}</div>
        {deliveries?.length === 0 && <ErrorBlock status="empty" title={t('还没有送货上门记录')} description="" />}
        {(deliveries ?? []).map((d) => (
          <DeliveryCard key={d.id} d={d} t={t} onPay={() => void pay(d)} onCancel={() => void cancel(d)} />
        ))}
      </PullToRefresh>
    </div>
  );
}

function DeliveryCard({ d, t, onPay, onCancel }: { d: DoorDelivery; t: T; onPay: () => void; onCancel: () => void }) {
  const status = DELIVERY_STATUS[d.status];
  const refund = refundLabel(d.payment, d.status === 'cancelled');
  return (
    <article className="kd-card" data-testid="delivery" aria-label={`${t('送货上门')} ${d.id}`}>
      <div className="kd-card-head">
        <span className="kd-card-title">{d.communityName}</span>
        <Tag color={status.color} fill="outline" data-testid="delivery-status">
          {t(status.label)}
        </Tag>
      </div>
      <Row
        label={t('快递')}
        value={d.parcels.map((p) => (
          <div key={p.id}>
            {p.carrier} {p.trackingNo}
          </div>
        ))}
      />
      <Row label={t('费用')} value={priceText(t, d)} />
      {d.note && <Row label={t('备注')} value={d.note} />}
      {d.runner && <Row label={t('送货人')} value={d.runner.name} />}
      <Row label={t('申请时间')} value={formatShanghai(d.createdAt)} />
      {d.deliveredAt && <Row label={t('送达时间')} value={formatShanghai(d.deliveredAt)} />}
      {refund && <Row label={t('退款')} value={<span data-testid="refund">{t(refund)}</span>} />}
      {(d.status === 'requested' || d.status === 'paid') && (
        <div className="kd-card-actions">
          <Button size="small" className="kd-tap" onClick={onCancel}>
            {t('取消送货')}
          </Button>
          {d.status === 'requested' && (
            <Button size="small" color="primary" className="kd-tap" onClick={onPay}>
              {t('去支付')} {formatFen(d.amountFen)}
            </Button>
          )}
        </div>
      )}
    </article>
  );
}
