// 数据看板's charts, drawn with ECharts. This module is loaded lazily (React.lazy in DashboardPage):
// ECharts is most of the screen's weight and no other screen needs it. Only what the charts use is
// registered (echarts/core: bar and line, grid, tooltip, legend, dataZoom, the canvas renderer),
// so the bundler leaves the rest of ECharts out.
import { Card, Col, Empty, Row, Spin, theme } from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { StatsCommunityRow, StatsDay } from '../../../api-types.js';
import { useLang, useT } from '../../../i18n.js';
import { COMMON_EN } from '../../common.js';
import { communitiesHeight, communitiesOption, feesOption, parcelsOption, type ChartOption, type Palette } from './chart-options.js';
import { EN } from './en.js';

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

const REDUCED_MOTION = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
const HEIGHT = 280;

/** One ECharts instance on a div, redrawn when `option` changes and resized with its box (the window, the menu folding). */
function EChart({ option, height, label }: { option: ChartOption; height: number; label: string }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // notMerge: a range with fewer days leaves none of the last one's bars behind.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={box} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

/** A chart in its card; a spinner until the figures come, the empty state when the range holds nothing to draw. */
function ChartCard(props: { testId: string; title: string; loading: boolean; empty: boolean; emptyText: string; children: ReactNode }): ReactNode {
  const centred = { height: HEIGHT, display: 'flex', alignItems: 'center', justifyContent: 'center' } as const;
  return (
    <Card size="small" title={props.title} data-testid={props.testId}>
      {props.loading ? (
        <div style={centred}>
          <Spin />
        </div>
      ) : props.empty ? (
        <div style={centred}>
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={props.emptyText} />
        </div>
      ) : (
        props.children
      )}
    </Card>
  );
}

const NO_DAYS: StatsDay[] = [];
const NO_COMMUNITIES: StatsCommunityRow[] = [];

/**
 * The three charts: parcels in and out per day, fees per day, fees by community. Rendered before
 * the figures come (undefined), so that this module loads while the stats calls run.
 */
export default function DashboardCharts(props: { daily: StatsDay[] | undefined; communities: StatsCommunityRow[] | undefined }): ReactNode {
  const loading = props.daily === undefined || props.communities === undefined;
  const daily = props.daily ?? NO_DAYS;
  const communities = props.communities ?? NO_COMMUNITIES;
  const t = useT(EN, COMMON_EN);
  const { token } = theme.useToken();
  const palette = useMemo<Palette>(
    () => ({
      primary: token.colorPrimary,
      success: token.colorSuccess,
      error: token.colorError,
      warning: token.colorWarning,
      text: token.colorText,
      textSecondary: token.colorTextSecondary,
      border: token.colorBorder,
      split: token.colorBorderSecondary,
      background: token.colorBgElevated,
      fontFamily: token.fontFamily,
      animation: !REDUCED_MOTION,
    }),
    [token],
  );
  // `t` is a new function each render: the language it speaks is what the options depend on.
  const lang = useLang();
  const parcels = useMemo(() => parcelsOption(daily, t, palette), [daily, palette, lang]);
  const fees = useMemo(() => feesOption(daily, t, palette), [daily, palette, lang]);
  const byCommunity = useMemo(() => communitiesOption(communities, t, palette), [communities, palette, lang]);

  // A chart of nothing but zeros says less than the empty state does.
  const noMoves = daily.every((d) => d.received + d.pickedUp + d.rejected === 0);
  const noFees = daily.every((d) => d.feeIncomeFen === 0);
  const noCommunityFees = communities.every((c) => c.feeIncomeFen === 0);
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      <Col xs={24} xl={12}>
        <ChartCard testId="chart-parcels" title={t('每日进出')} loading={loading} empty={noMoves} emptyText={t('所选时间内没有包裹进出')}>
          <EChart option={parcels} height={HEIGHT} label={t('每日进出')} />
        </ChartCard>
      </Col>
      <Col xs={24} xl={12}>
        <ChartCard testId="chart-fees" title={t('每日保管费')} loading={loading} empty={noFees} emptyText={t('所选时间内没有保管费收入')}>
          <EChart option={fees} height={HEIGHT} label={t('每日保管费')} />
        </ChartCard>
      </Col>
      <Col xs={24}>
        <ChartCard testId="chart-communities" title={t('各小区保管费')} loading={loading} empty={noCommunityFees} emptyText={t('所选时间内没有保管费收入')}>
          <EChart option={byCommunity} height={communitiesHeight(communities.length)} label={t('各小区保管费')} />
        </ChartCard>
      </Col>
    </Row>
  );
}
