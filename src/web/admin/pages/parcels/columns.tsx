// The list's columns, as the guide shows them: 快递公司 (tracking number under it), 派件员/电话,
// 收件人/电话, 住址, 录入时间/保管费 (`01-08 15:24 ¥0.00`) and 状态 with the row's actions.
import { Button, Space, Tag } from 'antd';
import type { MouseEvent, ReactNode } from 'react';
import type { Parcel } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';
import { EXCEPTION_KIND_LABELS, PARCEL_STATUS_LABELS } from '../../../../shared/parcel-status.js';
import { formatShanghai } from '../../../../shared/time.js';
import { refusesCollect } from '../../../preferences.js';
import type { ParcelDialogs } from './dialogs.js';
import { PaidTag } from './PaidTag.js';
import { PreferenceTag } from './PreferenceTag.js';
import type { Column } from './ParcelTable.js';

function TwoLines({ top, bottom }: { top: ReactNode; bottom: ReactNode }): ReactNode {
  return (
    <>
      <div>{top}</div>
      <div className="kd-sub">{bottom}</div>
    </>
  );
}

/** A button inside a clickable row: its click is the button's alone, not the row's (which opens the drawer). */
function own(action: () => void) {
  return (e: MouseEvent) => {
    e.stopPropagation();
    action();
  };
}

/** The 状态 cell: the buttons of the moves the server allows now (`p.actions`, the state table's answer), else the state. */
function StatusCell({ p, t, act }: { p: Parcel; t: T; act: ParcelDialogs }): ReactNode {
  const can = (a: Parcel['actions'][number]) => p.actions.includes(a);
  if (can('receive') || can('reject')) {
    return (
      <Space size={8}>
        {can('receive') && (
          <Button size="small" type="primary" onClick={own(() => act.receive(p))}>
            {t('接收')}
          </Button>
        )}
        {can('reject') && (
          <Button size="small" danger onClick={own(() => act.reject(p))}>
            {t('拒收')}
          </Button>
        )}
      </Space>
    );
  }
  if (can('pickup')) {
    return (
      <Space size={8} wrap>
        <Button size="small" type="primary" ghost onClick={own(() => act.pickup(p))}>
          {t('待领取')}
        </Button>
        {can('waive') && (
          <Button size="small" type="link" style={{ padding: 0 }} onClick={own(() => act.waive(p))}>
            {t('撤销')}
          </Button>
        )}
        <span className="kd-sub" style={{ whiteSpace: 'nowrap' }}>
          {t('领取码: {code}', { code: p.pickupCode ?? '' })}
        </span>
        {p.shelfLabel && (
          <span className="kd-sub" style={{ whiteSpace: 'nowrap' }} data-testid="row-shelf">
            {t('货架号 {label}', { label: p.shelfLabel })}
          </span>
        )}
        {p.stale && <Tag color="orange">{t('滞留')}</Tag>}
        {can('flag') && (
          <Button size="small" type="link" style={{ padding: 0 }} onClick={own(() => act.flag(p))}>
            {t('问题件')}
          </Button>
        )}
        {can('returnToCourier') && (
          <Button size="small" type="link" danger style={{ padding: 0 }} onClick={own(() => act.returnToCourier(p))}>
            {t('退回')}
          </Button>
        )}
      </Space>
    );
  }
  if (p.status === 'exception') {
    return (
      <Space size={8} wrap>
        <span style={{ color: '#d46b08' }}>
          {t('问题件')}
          {p.exception ? `：${t(EXCEPTION_KIND_LABELS[p.exception.kind])}` : ''}
        </span>
        {can('resolve') && (
          <Button size="small" type="primary" ghost onClick={own(() => act.resolve(p))}>
            {t('解决')}
          </Button>
        )}
        {can('returnToCourier') && (
          <Button size="small" danger onClick={own(() => act.returnToCourier(p))}>
            {t('退回')}
          </Button>
        )}
        {p.exception?.note && <span className="kd-sub">{p.exception.note}</span>}
      </Space>
    );
  }
  if (p.status === 'returned') {
    return (
      <Space size={8} wrap>
        <span style={{ color: '#cf1322' }}>{t('已退回')}</span>
        {p.takenBackAt ? (
          <span className="kd-sub">{t('快递员已取回 {at}', { at: formatShanghai(p.takenBackAt, true) })}</span>
        ) : (
          can('handOver') && (
            <Button size="small" onClick={own(() => act.handOver(p))}>
              {t('已取回')}
            </Button>
          )
        )}
        {p.returnReason && <span className="kd-sub">{p.returnReason}</span>}
      </Space>
    );
  }
  const label = <span style={{ color: p.status === 'picked_up' ? '#389e0d' : '#cf1322' }}>{t(PARCEL_STATUS_LABELS[p.status])}</span>;
  return p.status === 'rejected' && p.rejectReason ? <TwoLines top={label} bottom={p.rejectReason} /> : label;
}

/** The columns of 快递记录; the 状态 column's buttons open the dialogs in `act`. */
export function parcelColumns(t: T, act: ParcelDialogs): Column[] {
  return [
    {
      key: 'carrier',
      title: t('快递公司'),
      width: 160,
      render: (p) => (
        <TwoLines
          top={
            <>
              {p.carrier}
              {p.damaged && (
                <Tag color="orange" style={{ marginInlineStart: 6 }}>
                  {t('破损')}
                </Tag>
              )}
            </>
          }
          bottom={p.trackingNo}
        />
      ),
    },
    { key: 'courier', title: t('派件员/电话'), width: 130, render: (p) => <TwoLines top={p.courier.name} bottom={p.courier.phone} /> },
    {
      key: 'recipient',
      title: t('收件人/电话'),
      width: 130,
      render: (p) => (
        <TwoLines
          top={
            <>
              {p.recipientName}
              {p.preference && refusesCollect(p.preference.mode) && (
                <div>
                  <PreferenceTag preference={p.preference} t={t} />
                </div>
              )}
            </>
          }
          bottom={p.recipientPhone}
        />
      ),
    },
    { key: 'address', title: t('住址'), ellipsis: (p) => `${p.communityName}${p.address ? ` ${p.address}` : ''}` },
    {
      key: 'entered',
      title: t('录入时间/保管费'),
      width: 140,
      render: (p) =>
        p.feePaidAt ? (
          <span style={{ whiteSpace: 'nowrap' }}>
            {formatShanghai(p.enteredAt, true)} <PaidTag t={t} fen={p.feePaidFen} />
          </span>
        ) : (
          <span style={{ whiteSpace: 'nowrap' }}>{`${formatShanghai(p.enteredAt, true)} ${formatFen(p.feeFen)}`}</span>
        ),
    },
    { key: 'status', title: t('状态'), width: 260, render: (p) => <StatusCell p={p} t={t} act={act} /> },
  ];
}
