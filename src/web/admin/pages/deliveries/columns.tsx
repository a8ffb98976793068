// 送货上门's columns at the desk, and the same facts as a card on a runner's phone.
import { Button, Card, Flex, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import type { DoorDelivery, ParcelStatus } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';
import { PARCEL_STATUS_LABELS } from '../../../../shared/parcel-status.js';
import { fullTime, shortTime } from '../org/format.js';
import { paymentLabel } from '../services/common.js';

export const DELIVERY_STATES: Record<DoorDelivery['status'], { label: string; color: string }> = {
  requested: { label: '待支付', color: 'default' },
  paid: { label: '待派送', color: 'orange' },
  dispatched: { label: '派送中', color: 'blue' },
  delivered: { label: '已送达', color: 'green' },
  cancelled: { label: '已取消', color: 'default' },
};

export interface DeliveryActions {
  dispatch: (d: DoorDelivery) => void;
  delivered: (d: DoorDelivery) => void;
}

const At = ({ iso }: { iso: string }) => <Tooltip title={fullTime(iso)}>{shortTime(iso)}</Tooltip>;

function Resident({ d }: { d: DoorDelivery }): ReactNode {
  const first = d.parcels[0];
  return (
    <>
      <div>
        {first?.recipientName ?? ''} {d.residentPhone}
      </div>
      <div className="kd-sub">
        {d.communityName} {first?.address ?? ''}
      </div>
    </>
  );
}

function Parcels({ d, t }: { d: DoorDelivery; t: T }): ReactNode {
  return (
    <Flex vertical gap={2}>
      {d.parcels.map((p) => (
        <span key={p.id}>
          {p.shelfLabel && <Tag style={{ marginInlineEnd: 6 }}>{p.shelfLabel}</Tag>}
          {p.carrier} {p.trackingNo}
          {/* Collected at the desk (or flagged) since it was asked for: the runner leaves it. */}
          {p.status !== 'awaiting_pickup' && d.status !== 'delivered' && d.status !== 'cancelled' && (
            <Typography.Text type="secondary">{` (${t(PARCEL_STATUS_LABELS[p.status as ParcelStatus] ?? p.status)})`}</Typography.Text>
          )}
        </span>
      ))}
    </Flex>
  );
}

function Price({ d, t }: { d: DoorDelivery; t: T }): ReactNode {
  const paid = paymentLabel(d.payment);
  return (
    <>
      <div>{formatFen(d.amountFen)}</div>
      <div className="kd-sub">{t('{price} × {n} = {amount}', { price: formatFen(d.priceFen), n: d.parcelIds.length, amount: formatFen(d.amountFen) })}</div>
      {paid && <Tag color={paid.color}>{t(paid.text)}</Tag>}
    </>
  );
}

function Action({ d, t, act, large }: { d: DoorDelivery; t: T; act: DeliveryActions; large?: boolean }): ReactNode {
  const size = large ? 'large' : 'small';
  if (d.status === 'paid')
    return (
      <Button type="primary" size={size} onClick={() => act.dispatch(d)}>
        {t('派送')}
      </Button>
    );
  if (d.status === 'dispatched')
    return (
      <Button type="primary" size={size} onClick={() => act.delivered(d)}>
        {t('已送达')}
      </Button>
    );
  return null;
}

function State({ d, t }: { d: DoorDelivery; t: T }): ReactNode {
  const s = DELIVERY_STATES[d.status];
  return (
    <Tag color={s.color} data-testid="delivery-state">
      {t(s.label)}
    </Tag>
  );
}

export function deliveryColumns(t: T, act: DeliveryActions): TableColumnsType<DoorDelivery> {
  return [
    { title: t('申请时间'), key: 'createdAt', width: 110, render: (_, d) => <At iso={d.createdAt} /> },
    { title: t('住户'), key: 'resident', width: 220, render: (_, d) => <Resident d={d} /> },
    { title: t('快递'), key: 'parcels', render: (_, d) => <Parcels d={d} t={t} /> },
    { title: t('费用'), key: 'price', width: 150, render: (_, d) => <Price d={d} t={t} /> },
    { title: t('备注'), key: 'note', width: 160, render: (_, d) => d.note ?? '—' },
    {
      title: t('送货人'),
      key: 'runner',
      width: 130,
      render: (_, d) =>
        d.runner ? (
          <>
            <div>{d.runner.name}</div>
            {d.deliveredAt ? (
              <div className="kd-sub">
                {t('送达时间')} <At iso={d.deliveredAt} />
              </div>
            ) : (
              d.dispatchedAt && (
                <div className="kd-sub">
                  {t('派送时间')} <At iso={d.dispatchedAt} />
                </div>
              )
            )}
          </>
        ) : (
          '—'
        ),
    },
    {
      title: t('状态'),
      key: 'status',
      width: 170,
      render: (_, d) => (
        <Space size={8} wrap>
          <State d={d} t={t} />
          <Action d={d} t={t} act={act} />
        </Space>
      ),
    },
  ];
}

/** One request on a phone: who and where, the parcels (with their shelf), and the one thing to do. */
export function DeliveryCard({ d, t, act }: { d: DoorDelivery; t: T; act: DeliveryActions }): ReactNode {
  return (
    <Card size="small" data-testid="delivery-card" title={<Resident d={d} />} extra={<State d={d} t={t} />} style={{ marginBottom: 12 }}>
      <Flex vertical gap={8}>
        <Parcels d={d} t={t} />
        {d.note && <Typography.Text type="secondary">{`${t('备注')}：${d.note}`}</Typography.Text>}
        <Flex justify="space-between" align="flex-end" gap={8} wrap>
          <div>
            <Price d={d} t={t} />
            {d.runner && <div className="kd-sub">{`${t('送货人')}：${d.runner.name}`}</div>}
          </div>
          <Action d={d} t={t} act={act} large />
        </Flex>
      </Flex>
    </Card>
  );
}
