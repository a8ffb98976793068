// The three charts' ECharts options, in antd's colours (the palette is the theme's tokens) and the
// screen's language. Plain data: only the chart module, loaded lazily, imports this file, and it
// takes echarts' types only.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { DataZoomComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { StatsCommunityRow, StatsDay } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | DataZoomComponentOption
>;

/** antd's tokens the charts are drawn in. */
export interface Palette {
  primary: string;
  success: string;
  error: string;
  warning: string;
  text: string;
  textSecondary: string;
  border: string;
  split: string;
  background: string;
  fontFamily: string;
  /** Off for people who asked their system for less motion (the console's antd motion is off then too). */
  animation: boolean;
}

/** More days than this and the day charts scroll (dataZoom), showing the last ones first. */
const DAYS_SHOWN = 31;

/** The grid's box holds the axis labels too (ECharts 6's form of the old `containLabel`). */
const LABELS_INSIDE = { outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' } as const;

/** Money as the screen writes it; a tooltip's value may come as anything ECharts holds. */
const fen = (v: unknown) => (typeof v === 'number' ? formatFen(Math.round(v)) : String(v));

/** What every chart shares: the motion setting, antd's font and text colour. */
function frame(p: Palette): ChartOption {
  return { animation: p.animation, textStyle: { fontFamily: p.fontFamily, color: p.textSecondary } };
}

/** The tooltip of a whole day (or community), on antd's popover colours. */
function tooltip(p: Palette, extra: TooltipComponentOption = {}): TooltipComponentOption {
  return { trigger: 'axis', backgroundColor: p.background, borderColor: p.split, textStyle: { color: p.text }, ...extra };
}

/** A count axis (or fen): whole steps only, on antd's faint split lines. */
const valueAxis = (p: Palette, format?: (v: number) => string) => ({
  type: 'value' as const,
  minInterval: 1,
  axisLabel: { color: p.textSecondary, formatter: format },
  splitLine: { lineStyle: { color: p.split } },
});

/** The days along the bottom, `01-08` (the tooltip names the whole day); scrolled when long. */
function dayAxis(days: StatsDay[], p: Palette): Pick<ChartOption, 'xAxis' | 'dataZoom' | 'grid'> {
  const long = days.length > DAYS_SHOWN;
  const start = long ? 100 - (DAYS_SHOWN / days.length) * 100 : 0;
  return {
    grid: { left: 8, right: 16, top: 40, bottom: long ? 44 : 8, ...LABELS_INSIDE },
    xAxis: {
      type: 'category',
      data: days.map((d) => d.day),
      axisLabel: { color: p.textSecondary, formatter: (day: string | number) => String(day).slice(5) },
      axisLine: { lineStyle: { color: p.border } },
      axisTick: { alignWithLabel: true },
    },
    dataZoom: long
      ? [
          { type: 'inside', start, end: 100 },
          { type: 'slider', start, end: 100, height: 20, bottom: 8 },
        ]
      : [],
  };
}

/** (a) 每日进出: 入库 and 出库 as columns, 拒收 as a line. */
export function parcelsOption(days: StatsDay[], t: T, p: Palette): ChartOption {
  const names = [t('入库'), t('出库'), t('拒收')];
  return {
    ...frame(p),
    ...dayAxis(days, p),
    tooltip: tooltip(p),
    color: [p.primary, p.success, p.error],
    legend: { top: 0, data: names, textStyle: { color: p.text } },
    yAxis: valueAxis(p),
    series: [
      { name: names[0], type: 'bar', barMaxWidth: 24, data: days.map((d) => d.received) },
      { name: names[1], type: 'bar', barMaxWidth: 24, data: days.map((d) => d.pickedUp) },
      { name: names[2], type: 'line', symbolSize: 6, data: days.map((d) => d.rejected) },
    ],
  };
}

/** (b) 每日保管费: a line of the fees charged at pickup, in ¥. */
export function feesOption(days: StatsDay[], t: T, p: Palette): ChartOption {
  return {
    ...frame(p),
    ...dayAxis(days, p),
    color: [p.warning],
    tooltip: tooltip(p, { valueFormatter: fen }),
    legend: { top: 0, data: [t('保管费')], textStyle: { color: p.text } },
    yAxis: valueAxis(p, fen),
    series: [{ name: t('保管费'), type: 'line', symbolSize: 6, areaStyle: { opacity: 0.15 }, data: days.map((d) => d.feeIncomeFen) }],
  };
}

/** (c) 各小区保管费: a bar a community, the largest on top; names cut short to fit. */
export function communitiesOption(rows: StatsCommunityRow[], t: T, p: Palette): ChartOption {
  const sorted = [...rows].sort((a, b) => b.feeIncomeFen - a.feeIncomeFen);
  return {
    ...frame(p),
    color: [p.primary],
    tooltip: tooltip(p, { axisPointer: { type: 'shadow' }, valueFormatter: fen }),
    grid: { left: 8, right: 24, top: 8, bottom: 8, ...LABELS_INSIDE },
    xAxis: valueAxis(p, fen),
    yAxis: {
      type: 'category',
      inverse: true,
      data: sorted.map((r) => r.name),
      axisLabel: { color: p.text, width: 120, overflow: 'truncate' },
      axisLine: { lineStyle: { color: p.border } },
    },
    series: [{ name: t('保管费'), type: 'bar', barMaxWidth: 20, data: sorted.map((r) => r.feeIncomeFen) }],
  };
}

/** The community chart's height: a bar of 32 px a community, at least 200 px. */
export function communitiesHeight(rows: number): number {
  return Math.max(200, rows * 32 + 40);
}
