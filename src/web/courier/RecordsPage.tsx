import { CapsuleTabs, NavBar, PullToRefresh, Tag } from 'antd-mobile';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { Parcel, ParcelStatus } from '../api-types.js';
import { useT } from '../i18n.js';
import { PARCEL_STATUS_LABELS, STATUS_COLOR, formatShanghai } from '../mobile/format.js';
import { ParcelFeed } from '../mobile/ParcelFeed.js';
import { COURIER_EN } from './en.js';

const FILTERS: ('all' | ParcelStatus)[] = ['all', 'pending_receipt', 'awaiting_pickup', 'picked_up', 'rejected'];

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
          <CapsuleTabs.Tab key={f} title={t(f === 'all' ? '全部' : PARCEL_STATUS_LABELS[f])} />
        ))}
      </CapsuleTabs>
      <PullToRefresh onRefresh={async () => setRefreshed((n) => n + 1)}>
        <ParcelFeed
          key={`${filter}-${refreshed}`}
          path="/api/courier/parcels"
          status={filter === 'all' ? undefined : filter}
          render={(p) => <DeliveryCard key={p.id} parcel={p} />}
        />
      </PullToRefresh>
    </div>
  );
}

function DeliveryCard({ parcel: p }: { parcel: Parcel }) {
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
    </article>
  );
}
