// 代寄 at the desk (SPEC §16): the residents' sending orders by state; the desk weighs and quotes
// one (称重报价), and once the resident has paid hands it to a courier with its tracking number (交寄).
import { Empty, Grid, Spin, Table } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { Shipment } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useCommunities, useLoad } from '../common.js';
import { ServiceHeader, StateTabs, useStateTab } from './services/common.js';
import { EN } from './services/en.js';
import { shipmentColumns, ShipmentCard, type ShipmentActions } from './shipments/columns.js';
import { HandoverModal } from './shipments/HandoverModal.js';
import { QuoteModal } from './shipments/QuoteModal.js';
import './parcels/parcels.css';

type Tab = Shipment['status'] | 'all';
/** The desk's work first: orders to weigh, then paid ones to hand over. */
const TABS: readonly Tab[] = ['requested', 'paid', 'quoted', 'handed_over', 'cancelled', 'all'];
const TAB_LABELS: Record<Tab, string> = { requested: '待称重', paid: '待交寄', quoted: '待支付', handed_over: '已寄出', cancelled: '已取消', all: '全部' };

type Dialog = { kind: 'quote' | 'handover'; shipment: Shipment; open: boolean };

export default function ShipmentsPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { tab, communityId, change } = useStateTab(TABS, 'requested');
  const { communities } = useCommunities();
  const narrow = Grid.useBreakpoint().md === false;
  const { data, loading, reload } = useLoad(
    () => api.get<{ items: Shipment[] }>('/api/shipments', { status: tab === 'all' ? undefined : tab, communityId }),
    [tab, communityId],
  );
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog((d) => (d ? { ...d, open: false } : d));
  const done = () => {
    close();
    reload();
  };
  const act: ShipmentActions = {
    quote: (shipment) => setDialog({ kind: 'quote', shipment, open: true }),
    handOver: (shipment) => setDialog({ kind: 'handover', shipment, open: true }),
  };
  const items = data?.items ?? [];

  return (
    <>
      <ServiceHeader
        t={t}
        title={t('代寄')}
        intro={t('住户在线下单后把物品带到前台：称重报价，住户支付后交给快递员并登记运单号。')}
        communities={communities}
        communityId={communityId}
        onCommunity={(id) => change({ communityId: id })}
        onRefresh={reload}
      />
      <StateTabs<Tab>
        active={tab}
        onChange={(k) => change({ tab: k })}
        items={TABS.map((k) => ({ key: k, label: t(TAB_LABELS[k]), count: k === tab && !loading ? items.length : undefined }))}
      />
      {narrow ? (
        <Spin spinning={loading}>
          {items.length === 0 && !loading ? <Empty description={t('暂无代寄订单')} /> : items.map((s) => <ShipmentCard key={s.id} s={s} t={t} act={act} />)}
        </Spin>
      ) : (
        <Table<Shipment>
          rowKey="id"
          size="middle"
          columns={shipmentColumns(t, act)}
          dataSource={items}
          loading={loading}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('暂无代寄订单') }}
          pagination={{ hideOnSinglePage: true, pageSize: 20, showTotal: (total) => t('共 {total} 条', { total }) }}
        />
      )}
      {dialog?.kind === 'quote' && (
        <QuoteModal key={dialog.shipment.id} shipment={dialog.shipment} open={dialog.open} onCancel={close} onDone={done} onClosed={() => setDialog(null)} />
      )}
      {dialog?.kind === 'handover' && (
        <HandoverModal key={dialog.shipment.id} shipment={dialog.shipment} open={dialog.open} onCancel={close} onDone={done} onClosed={() => setDialog(null)} />
      )}
    </>
  );
}
