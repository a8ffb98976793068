// 数据看板 (SPEC §18): the console's first screen, for admins (their org) and clerks (their
// communities). The range (今天 … 自定义) and the community are in the address, so a reload, a link
// or the back button shows the same figures; the cards, the charts and the tables all read them.
// The charts' module (ECharts) and the tables (antd's Table) are loaded lazily, beside the stats
// calls, so this screen's first paint (the frame, the range and the cards) and every other screen stay light.
import { Typography } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { useT } from '../../i18n.js';
import { COMMON_EN, useCommunities, useDownload } from '../common.js';
import { EN } from './dashboard/en.js';
import { customParams, presetParams, readView, shanghaiToday, VIEW_PARAMS, type StatsQuery } from './dashboard/range.js';
import { RangeBar } from './dashboard/RangeBar.js';
import { SummaryCards } from './dashboard/SummaryCards.js';
import { useStats } from './dashboard/useStats.js';
import { useListParams } from './people/useListParams.js';

const DashboardCharts = lazy(() => import('./dashboard/Charts.js'));
const StatsTables = lazy(() => import('./dashboard/StatsTables.js'));

/** 数据看板: cards, charts and tables of a range of Shanghai days, for all the caller's communities or one. */
export default function DashboardPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  const download = useDownload();
  const { communities } = useCommunities();
  const { filters, update } = useListParams(VIEW_PARAMS);
  // Read at each render: a screen left open past midnight moves to the new day at its next change.
  const today = shanghaiToday();
  const view = readView(filters, today);
  const query: StatsQuery = { from: view.from, to: view.to, communityId: view.communityId };
  const { stats, loading, reload } = useStats(query);

  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('数据看板')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('包裹进出、停留时长、收入和短信，按天（北京时间）统计；待领取和滞留是此刻的数字。')}</Typography.Text>
      </div>
      <RangeBar
        view={view}
        today={today}
        communities={communities}
        loading={loading}
        t={t}
        onPreset={(preset) => update(presetParams(preset))}
        onCustom={(from, to) => update(customParams(from, to))}
        onCommunity={(id) => update({ communityId: id })}
        onReload={reload}
      />
      <SummaryCards summary={stats?.summary} t={t} />
      {/* The fallback holds the charts' place: the tables below do not jump when they arrive. */}
      <Suspense fallback={<div style={{ minHeight: 640 }} />}>
        <DashboardCharts daily={stats?.daily} communities={stats?.communities} />
      </Suspense>
      <Suspense fallback={null}>
        <StatsTables stats={stats} loading={loading} t={t} onExport={(format) => void download('/api/stats/daily/export', { format, ...query })} />
      </Suspense>
    </>
  );
}
