import { Button, CapsuleTabs, ErrorBlock, NavBar, PullToRefresh, Tag, Toast } from 'antd-mobile';
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api.js';
import { useSearchParams } from 'react-router';
import type { Parcel, ParcelStatus } from '../api-types.js';
import { useT } from '../i18n.js';
import { PARCEL_STATUS_LABELS, STATUS_COLOR, formatShanghai } from '../mobile/format.js';
import { ParcelFeed } from '../mobile/ParcelFeed.js';
import { COURIER_EN } from './en.js';

const FILTERS: ('all' | 'returns' | ParcelStatus)[] = ['all', 'returns', 'pending_receipt', 'awaiting_pickup', 'picked_up', 'rejected'];
const title = (f: (typeof FILTERS)[number]) => (f === 'all' ? '全部' : f === 'returns' ? '待取回' : PARCEL_STATUS_LABELS[f]);

/** 派送记录: the courier's own parcels, newest first, with state, time and rejection reason. */
export function RecordsPage({ actions }: { actions: ReactNode }) {
  const t = useT(COURIER_EN);
  const [params, setParams] = useSearchParams();
  const filter = FILTERS.find((f) => f === params.get('status')) ?? 'all';
  const [refreshed, setRefreshed] = useState(0);
  return (
    <div className="kd-page">
      <NavBar back={null} right={actions}>
        {t('派送记录')}
      </NavBar>
      <CapsuleTabs activeKey={filter} onChange={(key) => setParams(key === 'all' ? {} : { status: key }, { replace: true })}>
        {FILTERS.map((f) => (
          <CapsuleTabs.Tab key={f} title={t(title(f))} />
        ))}
      </CapsuleTabs>
      <PullToRefresh onRefresh={async () => setRefreshed((n) => n + 1)}>
        {filter === 'returns' ? (
          <ReturnsList key={refreshed} />
        ) : (
          <ParcelFeed
            key={`${filter}-${refreshed}`}
            path="/api/courier/parcels"
            status={filter === 'all' ? undefined : filter}
            render={(p) => <DeliveryCard key={p.id} parcel={p} />}
          />
        )}
      </PullToRefresh>
    </div>
  );
}

/** 待取回: parcels the desks returned to this courier; 确认取回 once they are in hand. */
function ReturnsList() {
  const t = useT(COURIER_EN);
  const [items, setItems] = useState<Parcel[] | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    api.get<{ items: Parcel[] }>('/api/courier/returns').then(
      (r) => live && setItems(r.items),
      (err: unknown) => live && Toast.show({ content: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [tick]);
  const confirm = async (p: Parcel) => {
    try {
      await api.post(`/api/courier/parcels/${p.id}/taken-back`);
      Toast.show({ icon: 'success', content: t('已确认取回') });
    } catch (err) {
      Toast.show({ content: err instanceof ApiError ? err.message : String(err) });
    }
    setTick((n) => n + 1);
  };
  if (items === null) return null;
  if (items.length === 0) return <ErrorBlock status="empty" title={t('没有待取回的包裹')} description="" />;
  return (
    <div data-testid="returns">
      {items.map((p) => (
        <DeliveryCard key={p.id} parcel={p}>
          <Button block color="primary" className="kd-tap" onClick={() => void confirm(p)}>
            {t('确认取回')}
          </Button>
        </DeliveryCard>
      ))}
    </div>
  );
}

function DeliveryCard({ parcel: p, children }: { parcel: Parcel; children?: ReactNode }) {
  const t = useT(COURIER_EN);
  return (
    <article className="kd-card" aria-label={`${t('快递单号')} ${p.trackingNo}`}>
      <div className="kd-card-head">
        <span className="kd-card-title">{p.trackingNo}</span>
        <Tag color={STATUS_COLOR[p.status]} fill="outline">
          {t(PARCEL_STATUS_LABELS[p.status])}
        </Tag>
      </div>
      <div className="kd-card-row">
        <span>{t('小区')}</span>
        <span>{p.communityName}</span>
      </div>
      <div className="kd-card-row">
        <span>{t('收件人')}</span>
        <span>
          {p.recipientName} {p.recipientPhone}
        </span>
      </div>
      <div className="kd-card-row">
        <span>{t('录入时间')}</span>
        <span>{formatShanghai(p.enteredAt)}</span>
      </div>
      {p.status === 'rejected' && (
        <>
          <div className="kd-card-row">
            <span>{t('拒收时间')}</span>
            <span>{formatShanghai(p.rejectedAt)}</span>
          </div>
          <div className="kd-card-row">
            <span>{t('拒收原因')}</span>
            <span style={{ color: '#ff3141' }}>{p.rejectReason || t('未填写原因')}</span>
          </div>
        </>
      )}
      {p.status === 'returned' && (
        <div className="kd-card-row">
          <span>{t('退回原因')}</span>
          <span style={{ color: '#ff3141' }}>{p.returnReason || t('未填写原因')}</span>
        </div>
      )}
      {children}
    </article>
  );
}
