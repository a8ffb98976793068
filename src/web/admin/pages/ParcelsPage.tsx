// 快递记录: the front desk's screen (SPEC.md §7). Built for a clerk with a queue at the counter:
// the search box has focus; a pickup code and Enter open that parcel's pickup dialog, Enter
// confirms, and the box is empty and focused again for the next code.
import { DownOutlined } from '@ant-design/icons';
import { Button, Dropdown, Input, Segmented, Space, Spin, Tag, type InputRef, type MenuProps } from 'antd';
import { lazy, Suspense, useRef, useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { Page, Parcel } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { PICKUP_CODE_LENGTH } from '../../../shared/constants.js';
import { COMMON_EN, useDownload, useFeedback, usePagedList } from '../common.js';
import { BatchReport, type BatchOutcome } from './parcels/BatchReport.js';
import { parcelColumns } from './parcels/columns.js';
import { useParcelDialogs } from './parcels/dialogs.js';
import { ListTabs } from './parcels/ListTabs.js';
import { Pager } from './parcels/Pager.js';
import { ParcelTable } from './parcels/ParcelTable.js';
import { EN } from './parcels/en.js';
import { useCounts, useStickyRows, useUrlPage } from './parcels/hooks.js';
import { hasFilters, listKey, listQuery, TABS, useListView, type ListView, type ParcelFilters, type Tab } from './parcels/list-view.js';

const FilterPanel = lazy(() => import('./parcels/FilterPanel.js'));
const ParcelDrawer = lazy(() => import('./parcels/ParcelDrawer.js'));
const ConsentExportModal = lazy(() => import('./parcels/ConsentExport.js'));

const CODE = new RegExp(`^\\d{${PICKUP_CODE_LENGTH}}$`);
const TAB_LABELS: Record<Tab, string> = { pending: '待接收', awaiting: '待领取', exception: '问题件', stale: '滞留', returned: '已退回', all: '全部' };

/** The 快递记录 screen: tabs with counts, search and filters, the list, its actions and the drawer. */
export default function ParcelsPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { fail } = useFeedback();
  const download = useDownload();
  const { view, change } = useListView();
  const key = listKey(view);
  const query = listQuery(view);

  const list = usePagedList<Parcel>((page, pageSize) => api.get<Page<Parcel>>('/api/parcels', { ...query, page, pageSize }), key, view.pageSize);
  useUrlPage(list, view);
  const sticky = useStickyRows(list.items, key);
  const counts = useCounts(view.filters.communityId);
  const refresh = () => {
    list.reload();
    counts.reload();
  };

  const [text, setText] = useState(view.q);
  const [shownQ, setShownQ] = useState(view.q);
  if (shownQ !== view.q) {
    // The search changed in the address (a search, the back button): the box shows it.
    setShownQ(view.q);
    setText(view.q);
  }
  const searchBox = useRef<InputRef>(null);
  const focusSearch = (selectAll: boolean) => searchBox.current?.focus({ cursor: selectAll ? 'all' : 'end' });

  const [panelOpen, setPanelOpen] = useState(() => hasFilters(view.filters));
  const [drawer, setDrawer] = useState<{ id: number; open: boolean } | null>(null);
  const [batch, setBatch] = useState<(BatchOutcome & { key: string }) | null>(null);
  const [exportingConsent, setExportingConsent] = useState(false);
  // Ticks belong to one page of one list.
  const selectionKey = `${key}#${list.page}`;
  const [selection, setSelection] = useState<{ key: string; ids: number[] }>({ key: selectionKey, ids: [] });
  const selectedIds = selection.key === selectionKey ? selection.ids : [];
  const selected = sticky.rows.filter((p) => selectedIds.includes(p.id));

  const dialogs = useParcelDialogs({
    onChanged: (after, before) => {
      if (after.status === 'picked_up' && before.pickupCode && view.q === before.pickupCode) {
        // The code is spent and the queue moves on: the search is cleared, the parcel stays in
        // view as 已领取 so the clerk sees it done.
        const next = change({ q: '' });
        sticky.stick(after, listKey(next));
      } else sticky.stick(after);
      refresh();
    },
    onBatch: (kind, result, parcels) => {
      setBatch({ kind, result, parcels, key });
      setSelection({ key: selectionKey, ids: [] });
      refresh();
    },
    onStale: refresh,
    onPickupClosed: () => focusSearch(true),
  });

  const searching = useRef(false);
  /**
   * A search lists every state (a resident's phone shows all their parcels). A pickup code that
   * exactly one parcel awaiting pickup holds goes to 待领取 and opens its pickup dialog.
   */
  const search = async (raw: string) => {
    const q = raw.trim();
    if (searching.current) return;
    searching.current = true;
    try {
      if (CODE.test(q)) {
        const target: ListView = { ...view, tab: 'awaiting', q, filters: { ...view.filters, status: undefined } };
        const hits = await api.get<Page<Parcel>>('/api/parcels', { ...listQuery(target), pageSize: 20 });
        const holders = hits.items.filter((p) => p.pickupCode === q);
        if (holders.length === 1 && holders[0]) {
          change({ tab: 'awaiting', q });
          dialogs.pickup(holders[0]);
          return;
        }
      }
      change({ q, tab: q ? 'all' : view.tab });
    } catch (err) {
      fail(err);
    } finally {
      searching.current = false;
    }
  };

  const applyFilters = (filters: ParcelFilters) => change({ filters, tab: filters.status ? 'all' : view.tab });

  const more: MenuProps['items'] = [
    { key: 'receive', label: t('接收'), disabled: selected.length === 0 },
    { key: 'reject', label: t('拒收'), disabled: selected.length === 0 },
    { type: 'divider' },
    { key: 'xlsx', label: t('导出 xlsx') },
    { key: 'csv', label: t('导出 csv') },
  ];
  const onMore: MenuProps['onClick'] = ({ key: k }) => {
    if (k === 'receive') dialogs.receiveMany(selected);
    else if (k === 'reject') dialogs.rejectMany(selected);
    else void download('/api/parcels/export', { format: k, ...query });
  };

  const columns = parcelColumns(t, dialogs);
  const c = counts.counts;
  const tabCount: Record<Tab, number | undefined> = {
    pending: c?.pending_receipt,
    awaiting: c?.awaiting_pickup,
    exception: c?.exception,
    // 滞留 has no kept count (it depends on the clock): its list says how many.
    stale: view.tab === 'stale' && !list.loading ? list.total : undefined,
    returned: c?.returned,
    all: c?.all,
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 12 }}>
        <Space wrap size={12}>
          <Segmented
            value={panelOpen ? 'filter' : 'search'}
            onChange={(v) => setPanelOpen(v === 'filter')}
            options={[
              { value: 'search', label: t('模糊搜索') },
              { value: 'filter', label: t('条件筛选') },
            ]}
          />
          <Space.Compact>
            <Input
              ref={searchBox}
              autoFocus
              allowClear
              style={{ width: 320 }}
              placeholder={t('输入手机号/快递单号/收件人/领取码')}
              aria-label={t('输入手机号/快递单号/收件人/领取码')}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                // The clear icon: back to the whole tab.
                if (e.type === 'click' && e.target.value === '') void search('');
              }}
              onPressEnter={() => void search(text)}
            />
            <Button type="primary" onClick={() => void search(text)}>
              {t('搜索')}
            </Button>
          </Space.Compact>
          {!panelOpen && hasFilters(view.filters) && (
            // Filters hidden with their panel still apply: say so, and offer to drop them.
            <Tag closable={{ 'aria-label': t('清除筛选') }} color="blue" onClose={() => change({ filters: {} })}>
              {t('已按条件筛选')}
            </Tag>
          )}
        </Space>
        <Space size={12}>
          {selected.length > 0 && <span className="kd-sub">{t('已选 {n} 个', { n: selected.length })}</span>}
          <Button onClick={() => setExportingConsent(true)}>{t('导出代收同意记录')}</Button>
          <Dropdown menu={{ items: more, onClick: onMore }} trigger={['click']}>
            <Button>
              {t('更多操作')} <DownOutlined />
            </Button>
          </Dropdown>
        </Space>
      </div>
      {panelOpen && (
        <Suspense fallback={<Spin />}>
          <FilterPanel value={view.filters} onApply={applyFilters} />
        </Suspense>
      )}
      {batch && batch.key === key && <BatchReport outcome={batch} onClose={() => setBatch(null)} />}
      <div>
        <ListTabs<Tab>
          active={view.tab}
          onChange={(k) => change({ tab: k })}
          items={TABS.map((k) => ({ key: k, label: t(TAB_LABELS[k]), count: tabCount[k] }))}
        />
        <ParcelTable
          rows={sticky.rows}
          columns={columns}
          loading={list.loading}
          emptyText={t('暂无快递包裹信息')}
          selectedIds={selectedIds}
          onSelect={(ids) => setSelection({ key: selectionKey, ids })}
          onOpen={(p) => setDrawer({ id: p.id, open: true })}
          isStuck={sticky.isStuck}
        />
        <Pager
          page={list.page}
          pageSize={list.pageSize}
          total={list.total}
          capped={list.totalCapped}
          onChange={(page, pageSize) => change({ page, pageSize })}
        />
      </div>
      {exportingConsent && (
        <Suspense fallback={null}>
          <ConsentExportModal open onClose={() => setExportingConsent(false)} />
        </Suspense>
      )}
      {drawer && (
        <Suspense fallback={null}>
          <ParcelDrawer id={drawer.id} open={drawer.open} onClose={() => setDrawer({ ...drawer, open: false })} />
        </Suspense>
      )}
    </div>
  );
}
