// 代寄's columns at the desk, and the same facts as a card on a narrow screen.
import { Button, Card, Flex, Space, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import type { Shipment } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';
import { fullTime, shortTime } from '../org/format.js';
import { paymentLabel } from '../services/common.js';

export const SHIPMENT_STATES: Record<Shipment['status'], { label: string; color: string }> = {
  requested: { label: '待称重', color: 'orange' },
  quoted: { label: '待支付', color: 'default' },
  paid: { label: '待交寄', color: 'blue' },
  handed_over: { label: '已寄出', color: 'green' },
  cancelled: { label: '已取消', color: 'default' },
};

export interface ShipmentActions {
  quote: (s: Shipment) => void;
  handOver: (s: Shipment) => void;
}

const At = ({ iso }: { iso: string }) => <Tooltip title={fullTime(iso)}>{shortTime(iso)}</Tooltip>;

function Receiver({ s }: { s: Shipment }): ReactNode {
  return (
    <>
      <div>
        {s.receiver.name} {s.receiver.phone}
      </div>
      <div className="kd-sub">{s.receiver.address}</div>
    </>
  );
}

function WeightPrice({ s, t }: { s: Shipment; t: T }): ReactNode {
  if (s.weightGrams === null || s.priceFen === null) return '—';
  const paid = paymentLabel(s.payment);
  return (
    <>
      <div>
        {t('{kg}公斤', { kg: s.weightGrams / 1000 })} · {formatFen(s.priceFen)}
      </div>
      {paid && <Tag color={paid.color}>{t(paid.text)}</Tag>}
    </>
  );
}

function Sent({ s }: { s: Shipment }): ReactNode {
  return s.trackingNo ? (
    <>
      <div data-testid="shipment-tracking">{s.trackingNo}</div>
      {s.courier && <div className="kd-sub">{s.courier.name}</div>}
    </>
  ) : (
    '—'
  );
}

function Action({ s, t, act, large }: { s: Shipment; t: T; act: ShipmentActions; large?: boolean }): ReactNode {
  const size = large ? 'large' : 'small';
  if (s.status === 'requested' || s.status === 'quoted')
    return (
      <Button type={s.status === 'requested' ? 'primary' : 'default'} size={size} onClick={() => act.quote(s)}>
        {t(s.status === 'requested' ? '称重报价' : '重新报价')}
      </Button>
    );
  if (s.status === 'paid')
    return (
      <Button type="primary" size={size} onClick={() => act.handOver(s)}>
        {t('交寄')}
      </Button>
    );
  return null;
}

function State({ s, t }: { s: Shipment; t: T }): ReactNode {
  const state = SHIPMENT_STATES[s.status];
  return (
    <Tag color={state.color} data-testid="shipment-state">
      {t(state.label)}
    </Tag>
  );
}

export function shipmentColumns(t: T, act: ShipmentActions): TableColumnsType<Shipment> {
  return [
    { title: t('下单时间'), key: 'createdAt', width: 110, render: (_, s) => <At iso={s.createdAt} /> },
    {
      title: t('寄件人'),
      key: 'sender',
      width: 150,
      render: (_, s) => (
        <>
          <div>{s.senderPhone}</div>
          <div className="kd-sub">{s.communityName}</div>
        </>
      ),
    },
    { title: t('收件人'), key: 'receiver', render: (_, s) => <Receiver s={s} /> },
    { title: t('物品'), key: 'item', width: 120, render: (_, s) => s.item },
    { title: t('快递公司'), key: 'carrier', width: 110, render: (_, s) => s.carrier ?? '—' },
    { title: t('重量/运费'), key: 'quote', width: 150, render: (_, s) => <WeightPrice s={s} t={t} /> },
    { title: t('运单号'), key: 'trackingNo', width: 170, render: (_, s) => <Sent s={s} /> },
    {
      title: t('状态'),
      key: 'status',
      width: 180,
      render: (_, s) => (
        <Space size={8} wrap>
          <State s={s} t={t} />
          <Action s={s} t={t} act={act} />
        </Space>
      ),
    },
  ];
}

export function ShipmentCard({ s, t, act }: { s: Shipment; t: T; act: ShipmentActions }): ReactNode {
  return (
    <Card size="small" data-testid="shipment-card" title={s.item} extra={<State s={s} t={t} />} style={{ marginBottom: 12 }}>
      <Flex vertical gap={8}>
        <Receiver s={s} />
        <Typography.Text type="secondary">
          {`${t('寄件人')}：${s.senderPhone} · ${s.communityName}`}
          {s.carrier ? ` · ${s.carrier}` : ''}
        </Typography.Text>
        <Flex justify="space-between" align="flex-end" gap={8} wrap>
          <div>
            <WeightPrice s={s} t={t} />
            <Sent s={s} />
          </div>
          <Action s={s} t={t} act={act} large />
        </Flex>
      </Flex>
    </Card>
  );
}
