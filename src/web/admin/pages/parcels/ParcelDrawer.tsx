// A parcel's details and history (GET /api/parcels/:id), opened by a click on its row. Loaded on
// the first click: Descriptions and Timeline stay out of the first screen.
import { Button, Descriptions, Drawer, Flex, Select, Skeleton, Tag, Timeline, Typography, type DescriptionsProps } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Parcel, ParcelDetail, ParcelEvent, Shelf } from '../../../api-types.js';
import { useT, type T } from '../../../i18n.js';
import { formatFen, formatRatePerDay } from '../../../../shared/fee.js';
import { EXCEPTION_KIND_LABELS, PARCEL_STATUS_LABELS } from '../../../../shared/parcel-status.js';
import { formatShanghai } from '../../../../shared/time.js';
import { COMMON_EN, useFeedback, useLoad } from '../../common.js';
import { PREFERENCE_MODE_LABELS } from '../../../preferences.js';
import { PaidTag } from './PaidTag.js';
import { EN } from './en.js';
import { ProofPanel } from './ProofPanel.js';

const ACTOR_LABELS: Record<ParcelEvent['actor']['kind'], string> = { staff: '物业人员', courier: '快递员', system: '系统' };
const STATUS_COLORS: Record<ParcelDetail['status'], string> = {
  pending_receipt: 'blue',
  awaiting_pickup: 'orange',
  picked_up: 'green',
  rejected: 'red',
  exception: 'volcano',
  returned: 'purple',
};

/** What an event did, in words: the move, and its details (damaged, the reason, the fee). */
function eventText(e: ParcelEvent, t: T): string {
  const d = e.detail ?? {};
  const parts: string[] = [];
  if (e.from === null) parts.push(t(d.source === 'desk' ? '前台入库' : '快递员录入'));
  else if (e.from !== e.to) parts.push(`${t(PARCEL_STATUS_LABELS[e.from])} → ${t(PARCEL_STATUS_LABELS[e.to])}`);
  const fee = typeof d.feeFen === 'number' ? formatFen(d.feeFen) : null;
  if (d.feeWaived === true && fee) parts.push(t('撤销保管费 {fee}', { fee }));
  else if (fee && e.to === 'picked_up') parts.push(t('收取保管费 {fee}', { fee }));
  if (typeof d.feePaidOnlineFen === 'number') parts.push(t('已支付 {fee}', { fee: formatFen(d.feePaidOnlineFen) }));
  if (d.damaged === true) parts.push(t('外观有破损'));
  if (typeof d.fromShelfLabel === 'string' || (e.from === e.to && typeof d.shelfLabel === 'string'))
    parts.push(t('移库 {from} → {to}', { from: String(d.fromShelfLabel ?? '—'), to: String(d.shelfLabel) }));
  else if (typeof d.shelfLabel === 'string') parts.push(t('货架号 {label}', { label: d.shelfLabel }));
  if (typeof d.reason === 'string') parts.push(t('原因：{reason}', { reason: d.reason }));
  return parts.join('，');
}

/** 收件偏好（入库时）: the preference that stood when the parcel was received (SPEC §19). */
function consentText(c: ParcelDetail['consent'] | undefined, t: T): string {
  if (!c) return t('未记录');
  if (c.mode === 'collect') return c.consentAt ? t('代收（同意于 {at}）', { at: formatShanghai(c.consentAt) }) : t('代收');
  return t(PREFERENCE_MODE_LABELS[c.mode]);
}

function details(p: ParcelDetail, t: T): DescriptionsProps['items'] {
  const rows: [string, ReactNode][] = [
    [t('状态'), <Tag color={STATUS_COLORS[p.status]}>{t(PARCEL_STATUS_LABELS[p.status])}</Tag>],
    [t('快递公司'), p.carrier],
    [t('快递单号'), p.trackingNo],
    [t('小区'), p.communityName],
    [t('代收点'), p.collectionPointName],
    [t('派件员'), `${p.courier.name} ${p.courier.phone}`],
    [t('收件人'), `${p.recipientName} ${p.recipientPhone}`],
    [t('住址'), p.address ?? '—'],
    [t('外观'), p.damaged ? <Tag color="orange">{t('外观有破损')}</Tag> : t('完好')],
    [t('录入时间'), formatShanghai(p.enteredAt)],
  ];
  if (p.receivedAt) rows.push([t('接收时间'), formatShanghai(p.receivedAt)]);
  rows.push([t('收件偏好（入库时）'), <span data-testid="drawer-consent">{consentText(p.consent, t)}</span>]);
  if (p.shelfLabel) rows.push([t('货架号'), <strong data-testid="drawer-shelf">{p.shelfLabel}</strong>]);
  if (p.pickupCode)
    rows.push([
      t('领取码'),
      <Typography.Text strong copyable>
        {p.pickupCode}
      </Typography.Text>,
    ]);
  if (p.feeRateFen !== null) rows.push([t('费率'), formatRatePerDay(p.feeRateFen)]);
  if (p.feePaidAt) rows.push([t('保管费'), <PaidTag t={t} fen={p.feePaidFen} />], [t('支付时间'), formatShanghai(p.feePaidAt)]);
  else if (p.status === 'awaiting_pickup') rows.push([t(p.feeWaived ? '保管费（已撤销）' : '保管费'), formatFen(p.feeFen)]);
  if (p.pickedUpAt) rows.push([t('领取时间'), formatShanghai(p.pickedUpAt)], [t('已收保管费'), formatFen(p.feeChargedFen ?? 0)]);
  if (p.pickedUpBy)
    rows.push([t('领取人'), `${t(p.pickedUpBy.relation === 'self' ? '本人' : p.pickedUpBy.relation === 'proxy' ? '代领' : '送货上门')} ${p.pickedUpBy.phone}`]);
  if (p.rejectedAt) rows.push([t('拒收时间'), formatShanghai(p.rejectedAt)], [t('拒收原因'), p.rejectReason ?? '—']);
  if (p.exception) rows.push([t('问题件'), `${t(EXCEPTION_KIND_LABELS[p.exception.kind])}${p.exception.note ? `：${p.exception.note}` : ''}`]);
  if (p.returnedAt) rows.push([t('退回时间'), formatShanghai(p.returnedAt)], [t('快递员取回'), p.takenBackAt ? formatShanghai(p.takenBackAt) : '—']);
  return rows.map(([label, children]) => ({ key: label, label, children }));
}

/** 移库: a waiting parcel to another shelf of its community (shown when the community has shelves). */
function MoveShelf({ p, t, onMoved }: { p: ParcelDetail; t: T; onMoved: () => void }): ReactNode {
  const { ok, fail } = useFeedback();
  const { data } = useLoad(() => api.get<{ items: Shelf[] }>(`/api/communities/${p.communityId}/shelves`), [p.communityId]);
  const [shelfId, setShelfId] = useState<number>();
  const [moving, setMoving] = useState(false);
  const shelves = (data?.items ?? []).filter((s) => s.id !== p.shelfId);
  if (!shelves.length) return null;
  const move = async () => {
    if (!shelfId) return;
    setMoving(true);
    try {
      const after = await api.post<Parcel>(`/api/parcels/${p.id}/move`, { shelfId });
      ok(t('已移到 {label}', { label: after.shelfLabel ?? '' }));
      setShelfId(undefined);
      onMoved();
    } catch (err) {
      fail(err);
    } finally {
      setMoving(false);
    }
  };
  return (
    <Flex gap={8} style={{ marginTop: 12 }}>
      <Select
        aria-label={t('移到货架')}
        placeholder={t('移到货架')}
        style={{ minWidth: 160 }}
        value={shelfId}
        onChange={(v: number) => setShelfId(v)}
        options={shelves.map((s) => ({ value: s.id, label: `${s.code}（${s.occupied}/${s.capacity}）` }))}
      />
      <Button disabled={!shelfId} loading={moving} onClick={() => void move()} data-testid="move-shelf">
        {t('移库')}
      </Button>
    </Flex>
  );
}

/** 转送货上门: a waiting parcel whose recipient wants it at the door becomes a free door delivery (then 送货上门 dispatches it). */
function ToDoor({ p, t, onDone }: { p: ParcelDetail; t: T; onDone: () => void }): ReactNode {
  const { ok, fail } = useFeedback();
  const [busy, setBusy] = useState(false);
  if (p.status !== 'awaiting_pickup' || p.preference?.mode !== 'door') return null;
  const go = async () => {
    setBusy(true);
    try {
      await api.post(`/api/parcels/${p.id}/door-delivery`);
      ok(t('已转为送货上门，请在“送货上门”中派送'));
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Flex gap={8} align="center" style={{ marginTop: 12 }}>
      <Tag color="red">{t('收件人要求送货上门')}</Tag>
      <Button loading={busy} onClick={() => void go()} data-testid="to-door">
        {t('转送货上门')}
      </Button>
    </Flex>
  );
}

/** The drawer of one parcel; `id` is the parcel shown (kept while the drawer closes). */
export default function ParcelDrawer({ id, open, onClose }: { id: number; open: boolean; onClose: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { fail } = useFeedback();
  const [parcel, setParcel] = useState<ParcelDetail | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!open) return;
    let current = true;
    setParcel(null);
    api
      .get<ParcelDetail>(`/api/parcels/${id}`)
      .then((p) => {
        if (current) setParcel(p);
      })
      .catch((err: unknown) => {
        if (current) fail(err);
      });
    return () => {
      current = false;
    };
  }, [id, open, fail, tick]);

  return (
    <Drawer title={t('包裹详情')} open={open} onClose={onClose} size={520} data-testid="parcel-drawer">
      {parcel ? (
        <>
          <Descriptions column={1} size="small" bordered items={details(parcel, t)} />
          {parcel.actions.includes('moveShelf') && <MoveShelf p={parcel} t={t} onMoved={() => setTick((n) => n + 1)} />}
          <ToDoor p={parcel} t={t} onDone={() => setTick((n) => n + 1)} />
          <ProofPanel key={`${parcel.id}-${tick}`} p={parcel} t={t} onSaved={() => setTick((n) => n + 1)} />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('历史记录')}
          </Typography.Title>
          <Timeline
            items={parcel.events.map((e, i) => ({
              key: `${e.at}-${i}`,
              color: STATUS_COLORS[e.to],
              title: formatShanghai(e.at),
              content: (
                <>
                  <div>{eventText(e, t)}</div>
                  <Typography.Text type="secondary">{`${t(ACTOR_LABELS[e.actor.kind])} ${e.actor.name}`}</Typography.Text>
                </>
              ),
            }))}
          />
        </>
      ) : (
        <Skeleton active />
      )}
    </Drawer>
  );
}
