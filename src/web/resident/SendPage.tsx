// 代寄 (SPEC §16): the resident files a sending order with a community's desk (receiver, item, the
// carrier they would like), brings the item to be weighed, pays the quote, and sees the tracking
// number once the desk has handed it to a courier. States 待称重 / 待支付 / 已支付 / 已寄出 / 已取消;
// 取消 until the hand-over (a paid one is refunded).
import { Button, Dialog, ErrorBlock, Form, Input, List, NavBar, Picker, PullToRefresh, Tag, Toast } from 'antd-mobile';
import { useEffect, useState, type ReactNode } from 'react';
import { CARRIERS } from '../../shared/carriers.js';
import { MOBILE_SHAPE } from '../../shared/constants.js';
import { api } from '../api.js';
import type { Page, Parcel, Payment, Shipment } from '../api-types.js';
import { useT, type T } from '../i18n.js';
import { PhoneInput } from '../mobile/controls.js';
import { formatFen, formatShanghai } from '../mobile/format.js';
import { openAndPay, useReturnFromPayment } from './pay.js';
import { LabelledTextArea } from './LabelledTextArea.js';
import { Row } from './ResidentParcelCard.js';
import { refundLabel, SERVICES_EN, SHIPMENT_STATUS } from './services.js';

const EN = {
  ...SERVICES_EN,
  代寄: 'Send a parcel',
  '填写收件信息，把物品带到物业前台称重后支付运费，前台交给快递员寄出。':
    'Fill in the receiver, bring the item to the front desk to be weighed, pay the postage, and the desk hands it to a courier.',
  寄件小区: 'Send from',
  选择寄件小区: 'Choose the community',
  收件人姓名: 'Receiver’s name',
  收件人手机: 'Receiver’s mobile',
  收件地址: 'Receiver’s address',
  物品: 'Item',
  '快递公司（选填）': 'Carrier (optional)',
  不限: 'Any',
  选择快递公司: 'Choose a carrier',
  请输入收件人姓名: 'Enter the receiver’s name',
  请输入正确的手机号: 'Enter a valid mobile number',
  '省市区、街道、门牌号': 'Province, city, district, street and number',
  请输入收件地址: 'Enter the address',
  '如：衣物、文件': 'e.g. clothes, documents',
  请输入物品: 'Enter the item',
  请选择寄件小区: 'Choose the community',
  '暂无可寄件的小区：在本小区代收过快递后即可代寄': 'No community to send from yet: it is one where the desk has kept a parcel for you',
  提交代寄: 'Submit',
  '已提交，请把物品带到物业前台称重': 'Submitted: bring the item to the front desk to be weighed',
  我的代寄: 'My shipments',
  还没有代寄记录: 'No shipments yet',
  收件人: 'Receiver',
  重量: 'Weight',
  运费: 'Postage',
  运单号: 'Tracking no.',
  '{kg}公斤': '{kg} kg',
  '支付 {fee}': 'Pay {fee}',
  取消代寄: 'Cancel',
  不取消: 'Keep it',
  '取消代寄？': 'Cancel this shipment?',
  '已支付的运费将原路退回。': 'The postage paid is refunded.',
  已取消代寄: 'Shipment cancelled',
};

interface Place {
  id: number;
  name: string;
}

const EMPTY_FORM = { name: '', phone: '', address: '', item: '' };

/** The communities the resident can send from: those of their own parcels and earlier orders. */
function placesOf(parcels: Parcel[], shipments: Shipment[]): Place[] {
  const byId = new Map<number, string>();
  for (const p of parcels) byId.set(p.communityId, p.communityName);
  for (const s of shipments) byId.set(s.communityId, s.communityName);
  return [...byId].map(([id, name]) => ({ id, name }));
}

/** The 代寄 screen: the order form, then the resident's orders with their states. */
export default function SendPage({ actions }: { actions: ReactNode }) {
  const t = useT(EN);
  const [parcels, setParcels] = useState<Parcel[] | null>(null);
  const [shipments, setShipments] = useState<Shipment[] | null>(null);
  const [communityId, setCommunityId] = useState<number>();
  const [carrier, setCarrier] = useState('');
  const [form, setForm] = useState(EMPTY_FORM);
  const [picking, setPicking] = useState<'community' | 'carrier' | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((n) => n + 1);
  useReturnFromPayment(refresh);

  useEffect(() => {
    const fail = (err: unknown) => Toast.show({ content: err instanceof Error ? err.message : String(err) });
    api.get<Page<Parcel>>('/api/resident/parcels', { pageSize: 200 }).then((r) => setParcels(r.items), fail);
    api.get<{ items: Shipment[] }>('/api/resident/shipments').then((r) => setShipments(r.items), fail);
  }, [tick]);

  const places = placesOf(parcels ?? [], shipments ?? []);
  const place = places.find((c) => c.id === communityId) ?? (places.length === 1 ? places[0] : undefined);
  const set = (field: keyof typeof EMPTY_FORM) => (v: string) => setForm((f) => ({ ...f, [field]: v }));

  const submit = async () => {
    if (busy) return;
    if (!place) return setError(t('请选择寄件小区'));
    if (!form.name.trim()) return setError(t('请输入收件人姓名'));
    if (!MOBILE_SHAPE.test(form.phone)) return setError(t('请输入正确的手机号'));
    if (!form.address.trim()) return setError(t('请输入收件地址'));
    if (!form.item.trim()) return setError(t('请输入物品'));
    setError('');
    setBusy(true);
    try {
      await api.post<Shipment>('/api/resident/shipments', {
        communityId: place.id,
        receiver: { name: form.name.trim(), phone: form.phone, address: form.address.trim() },
        item: form.item.trim(),
        ...(carrier ? { carrier } : {}),
      });
      Toast.show({ icon: 'success', content: t('已提交，请把物品带到物业前台称重'), duration: 3000 });
      setForm(EMPTY_FORM);
      setCarrier('');
      refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const pay = (s: Shipment) => void openAndPay(() => api.post<Payment>(`/api/resident/shipments/${s.id}/pay`), t, refresh);
  const cancel = async (s: Shipment) => {
    const yes = await Dialog.confirm({
      title: t('取消代寄？'),
      content: s.status === 'paid' ? t('已支付的运费将原路退回。') : undefined,
      confirmText: t('取消代寄'),
      cancelText: t('不取消'),
    });
    if (!yes) return;
    try {
      await api.post<Shipment>(`/api/resident/shipments/${s.id}/cancel`);
      Toast.show({ content: t('已取消代寄') });
    } catch (err) {
      Toast.show({ content: err instanceof Error ? err.message : String(err) });
    }
    refresh();
  };

  return (
    <div className="kd-page">
      <NavBar back={null} right={actions}>
        {t('代寄')}
      </NavBar>
      <PullToRefresh onRefresh={async () => refresh()}>
        <div className="kd-section-title">{t('填写收件信息，把物品带到物业前台称重后支付运费，前台交给快递员寄出。')}</div>
        <List mode="card">
          <List.Item
            extra={place?.name ?? t('选择寄件小区')}
            clickable={places.length > 1}
            arrowIcon={places.length > 1}
            onClick={places.length > 1 ? () => setPicking('community') : undefined}
          >
            {t('寄件小区')}
          </List.Item>
        </List>
        {parcels && shipments && places.length === 0 && <div className="kd-error">{t('暂无可寄件的小区：在本小区代收过快递后即可代寄')}</div>}
        <Form layout="vertical" mode="card">
          <Form.Item label={t('收件人姓名')}>
            <Input aria-label={t('收件人姓名')} placeholder={t('请输入收件人姓名')} maxLength={20} value={form.name} onChange={set('name')} clearable />
          </Form.Item>
          <Form.Item label={t('收件人手机')}>
            <PhoneInput label={t('收件人手机')} placeholder={t('请输入手机号')} value={form.phone} onChange={set('phone')} />
          </Form.Item>
          <Form.Item label={t('收件地址')}>
            <LabelledTextArea
              label={t('收件地址')}
              placeholder={t('省市区、街道、门牌号')}
              maxLength={120}
              rows={2}
              autoSize
              value={form.address}
              onChange={set('address')}
            />
          </Form.Item>
          <Form.Item label={t('物品')}>
            <Input aria-label={t('物品')} placeholder={t('如：衣物、文件')} maxLength={50} value={form.item} onChange={set('item')} clearable />
          </Form.Item>
          <Form.Item label={t('快递公司（选填）')} clickable arrowIcon onClick={() => setPicking('carrier')}>
            {carrier || <span className="kd-muted">{t('不限')}</span>}
          </Form.Item>
        </Form>
        {error && (
          <div className="kd-error" role="alert">
            {error}
          </div>
        )}
        <div className="kd-section">
          <Button block color="primary" size="large" loading={busy} disabled={!place} onClick={() => void submit()}>
            {t('提交代寄')}
          </Button>
        </div>
        <div className="kd-section-title">{t('我的代寄')}</div>
        {shipments?.length === 0 && <ErrorBlock status="empty" title={t('还没有代寄记录')} description="" />}
        {(shipments ?? []).map((s) => (
          <ShipmentCard key={s.id} s={s} t={t} onPay={() => pay(s)} onCancel={() => void cancel(s)} />
        ))}
      </PullToRefresh>
      <Picker
        title={t('选择寄件小区')}
        columns={[places.map((c) => ({ label: c.name, value: String(c.id) }))]}
        visible={picking === 'community'}
        value={place ? [String(place.id)] : []}
        onClose={() => setPicking(null)}
        onConfirm={(v) => v[0] && setCommunityId(Number(v[0]))}
      />
      <Picker
        title={t('选择快递公司')}
        columns={[[{ label: t('不限'), value: '' }, ...CARRIERS.map((c) => ({ label: c.name, value: c.name }))]]}
        visible={picking === 'carrier'}
        value={[carrier]}
        onClose={() => setPicking(null)}
        onConfirm={(v) => setCarrier(String(v[0] ?? ''))}
      />
    </div>
  );
}

function ShipmentCard({ s, t, onPay, onCancel }: { s: Shipment; t: T; onPay: () => void; onCancel: () => void }) {
  const status = SHIPMENT_STATUS[s.status];
  const refund = refundLabel(s.payment, s.status === 'cancelled');
  return (
    <article className="kd-card" data-testid="shipment" aria-label={`${t('代寄')} ${s.item}`}>
      <div className="kd-card-head">
        <span className="kd-card-title">{s.item}</span>
        <Tag color={status.color} fill="outline" data-testid="shipment-status">
          {t(status.label)}
        </Tag>
      </div>
      <Row label={t('收件人')} value={`${s.receiver.name} ${s.receiver.phone}`} />
      <Row label={t('收件地址')} value={s.receiver.address} />
      <Row label={t('寄件小区')} value={s.communityName} />
      {s.carrier && <Row label={t('快递公司')} value={s.carrier} />}
      {s.weightGrams !== null && <Row label={t('重量')} value={t('{kg}公斤', { kg: s.weightGrams / 1000 })} />}
      {s.priceFen !== null && <Row label={t('运费')} value={formatFen(s.priceFen)} />}
      {s.trackingNo && <Row label={t('运单号')} value={<b data-testid="shipment-tracking">{s.trackingNo}</b>} />}
      <Row label={t('下单时间')} value={formatShanghai(s.createdAt)} />
      {s.handedOverAt && <Row label={t('寄出时间')} value={formatShanghai(s.handedOverAt)} />}
      {refund && <Row label={t('退款')} value={t(refund)} />}
      {(s.status === 'requested' || s.status === 'quoted' || s.status === 'paid') && (
        <div className="kd-card-actions">
          <Button size="small" className="kd-tap" onClick={onCancel}>
            {t('取消代寄')}
          </Button>
          {s.status === 'quoted' && s.priceFen !== null && (
            <Button size="small" color="primary" className="kd-tap" onClick={onPay}>
              {t('支付 {fee}', { fee: formatFen(s.priceFen) })}
            </Button>
          )}
        </div>
      )}
    </article>
  );
}
