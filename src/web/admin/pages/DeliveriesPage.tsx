// 送货上门 at the desk (SPEC §16): the residents' requests by state; a paid one is dispatched to a
// runner (派送), who marks it delivered (已送达) with an optional photo, on a phone at the door
// as well as at the desk; its parcels are then picked up, by delivery.
import { Empty, Grid, Spin, Table } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { DoorDelivery } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useCommunities, useLoad } from '../common.js';
import { deliveryColumns, DeliveryCard, type DeliveryActions } from './deliveries/columns.js';
import { DeliveredModal } from './deliveries/DeliveredModal.js';
import { DispatchModal } from './deliveries/DispatchModal.js';
import { EN as PARCELS_EN } from './parcels/en.js';
import { ServiceHeader, StateTabs, useStateTab } from './services/common.js';
import { EN } from './services/en.js';
import './parcels/parcels.css';

type Tab = DoorDelivery['status'] | 'all';
/** The desk's work first: paid requests wait for a runner. */
const TABS: readonly Tab[] = ['paid', 'dispatched', 'requested', 'delivered', 'cancelled', 'all'];
const TAB_LABELS: Record<Tab, string> = { paid: '待派送', dispatched: '派送中', requested: '待支付', delivered: '已送达', cancelled: '已取消', all: '全部' };

type Dialog = { kind: 'dispatch' | 'delivered'; delivery: DoorDelivery; open: boolean };

export default function DeliveriesPage(): ReactNode {
  const t = useT(EN, PARCELS_EN, COMMON_EN);
  const { tab, communityId, change } = useStateTab(TABS, 'paid');
  const { communities } = useCommunities();
  const narrow = Grid.useBreakpoint().md === false;
  const { data, loading, reload } = useLoad(
    () => api.get<{ items: DoorDelivery[] }>('/api/deliveries', { status: tab === 'all' ? undefined : tab, communityId }),
    [tab, communityId],
  );
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog((d) => (d ? { ...d, open: false } : d));
  const done = () => {
    close();
    reload();
  };
  const act: DeliveryActions = {
    dispatch: (delivery) => setDialog({ kind: 'dispatch', delivery, open: true }),
    delivered: (delivery) => setDialog({ kind: 'delivered', delivery, open: true }),
  };
  const items = data?.items ?? [];

  return (
    <>
      <ServiceHeader
        t={t}
        title={t('送货上门')}
        intro={t('住户在线支付后，前台指派送货人派送；送达后包裹记为已领取（送货上门）。')}
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
          {items.length === 0 && !loading ? <Empty description={t('暂无送货上门申请')} /> : items.map((d) => <DeliveryCard key={d.id} d={d} t={t} act={act} />)}
        </Spin>
      ) : (
        <Table<DoorDelivery>
          rowKey="id"
          size="middle"
          columns={deliveryColumns(t, act)}
          dataSource={items}
          loading={loading}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('暂无送货上门申请') }}
          pagination={{ hideOnSinglePage: true, pageSize: 20, showTotal: (total) => t('共 {total} 条', { total }) }}
        />
      )}
      {dialog?.kind === 'dispatch' && (
        <DispatchModal key={dialog.delivery.id} delivery={dialog.delivery} open={dialog.open} onCancel={close} onDone={done} onClosed={() => setDialog(null)} />
      )}
      {dialog?.kind === 'delivered' && (
        <DeliveredModal
          key={dialog.delivery.id}
          delivery={dialog.delivery}
          open={dialog.open}
          onCancel={close}
          onDone={done}
          onClosed={() => setDialog(null)}
        />
      )}
    </>
  );
}
