import { NavBar, PullToRefresh, Tabs } from 'antd-mobile';
import { useEffect, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api.js';
import type { Page, Parcel, ParcelStatus } from '../api-types.js';
import { useT } from '../i18n.js';
import { MOBILE_EN } from '../mobile/format.js';
import { ParcelFeed } from '../mobile/ParcelFeed.js';
import { ResidentParcelCard } from './ResidentParcelCard.js';
import { Household } from './Household.js';
import { Preferences } from './Preferences.js';
import { useReturnFromPayment } from './pay.js';

/** The tabs in the guide's order; 已接收 (at the desk, with a pickup code) opens first. */
type TabKey = ParcelStatus | 'household' | 'preferences';

const TABS: { key: TabKey; title: string }[] = [
  { key: 'pending_receipt', title: '待接收' },
  { key: 'awaiting_pickup', title: '已接收' },
  { key: 'rejected', title: '已拒收' },
  { key: 'picked_up', title: '已领取' },
  { key: 'household', title: '家人代领' },
  { key: 'preferences', title: '收件偏好' },
];

const EN = { ...MOBILE_EN, 我的快递: 'My parcels', 家人代领: 'Family', 收件偏好: 'Delivery preference' };

/** 我的快递: the signed-in resident's parcels by state, 家人代领 and 收件偏好. */
export function MyParcels({ actions }: { actions: ReactNode }) {
  const t = useT(EN);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((x) => x.key === params.get('tab'))?.key ?? 'awaiting_pickup';
  const [counts, setCounts] = useState<Partial<Record<TabKey, number>>>({});
  const [refreshed, setRefreshed] = useState(0);
  const refresh = () => setRefreshed((n) => n + 1);
  // Back from WeChat's payment page: the fee just paid shows once it is confirmed.
  useReturnFromPayment(refresh);

  // The two tabs that need the resident: how many are on the way and how many wait at the desk.
  useEffect(() => {
    for (const status of ['pending_receipt', 'awaiting_pickup'] as const) {
      api.get<Page<Parcel>>('/api/resident/parcels', { status, pageSize: 1 }).then(
        (r) => setCounts((c) => ({ ...c, [status]: r.total })),
        () => undefined,
      );
    }
  }, [refreshed]);

  return (
    <div className="kd-page">
      <NavBar back={null} right={actions}>
        {t('我的快递')}
      </NavBar>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key }, { replace: true })}
        style={{ background: '#fff', position: 'sticky', top: 0, zIndex: 5 }}
      >
        {TABS.map((x) => (
          <Tabs.Tab key={x.key} title={counts[x.key] ? `${t(x.title)} ${counts[x.key]}` : t(x.title)} />
        ))}
      </Tabs>
      <PullToRefresh onRefresh={async () => refresh()}>
        {tab === 'household' ? (
          <Household refreshed={refreshed} onChanged={refresh} />
        ) : tab === 'preferences' ? (
          <Preferences refreshed={refreshed} />
        ) : (
          <ParcelFeed
            key={`${tab}-${refreshed}`}
            path="/api/resident/parcels"
            status={tab}
            render={(p) => <ResidentParcelCard key={p.id} parcel={p} onChanged={refresh} />}
          />
        )}
      </PullToRefresh>
    </div>
  );
}
