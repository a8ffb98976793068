// The bar above the figures: 今天 / 近7天 / 近30天 / 本月 / 自定义 (a RangePicker, loaded when
// chosen), the 小区 picker and 刷新. It only reads the view and asks for changes: the address is the truth.
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Segmented, Select, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import type { Community } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { communityOptions, SEARCH_BY_LABEL } from '../people/options.js';
import { spanDays, type Preset, type RangeKind, type StatsView } from './range.js';

const CustomRange = lazy(() => import('./CustomRange.js'));

const LABELS: Record<RangeKind, string> = { today: '今天', '7d': '近7天', '30d': '近30天', month: '本月', custom: '自定义' };
const KINDS: RangeKind[] = ['today', '7d', '30d', 'month', 'custom'];

interface Props {
  view: StatsView;
  today: string;
  communities: Community[];
  loading: boolean;
  t: T;
  onPreset: (preset: Preset) => void;
  onCustom: (from: string, to: string) => void;
  onCommunity: (id: number | undefined) => void;
  onReload: () => void;
}

/** The range and community controls. */
export function RangeBar({ view, today, communities, loading, t, onPreset, onCustom, onCommunity, onReload }: Props): ReactNode {
  // 自定义 chosen but no days picked yet: the picker shows, the figures stay those of the last range.
  const [picking, setPicking] = useState(false);
  const kind: RangeKind = picking ? 'custom' : view.kind;
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 12, marginBottom: 16 }}>
      <Space wrap size={12}>
        <Segmented<RangeKind>
          aria-label={t('时间范围')}
          value={kind}
          options={KINDS.map((k) => ({ value: k, label: t(LABELS[k]) }))}
          onChange={(k) => {
            if (k === 'custom') setPicking(true);
            else {
              setPicking(false);
              onPreset(k);
            }
          }}
        />
        {kind === 'custom' && (
          <Suspense fallback={<Spin size="small" />}>
            <CustomRange
              from={view.from}
              to={view.to}
              today={today}
              t={t}
              onChange={(from, to) => {
                setPicking(false);
                onCustom(from, to);
              }}
            />
          </Suspense>
        )}
        <Typography.Text type="secondary" data-testid="range-text">
          {t('{from} 至 {to}，共 {n} 天', { from: view.from, to: view.to, n: spanDays(view.from, view.to) })}
        </Typography.Text>
      </Space>
      <Space size={12}>
        <Select<number>
          allowClear
          showSearch={SEARCH_BY_LABEL}
          aria-label={t('小区')}
          placeholder={t('全部小区')}
          style={{ width: 200 }}
          options={communityOptions(communities)}
          value={view.communityId}
          onChange={(id) => onCommunity(id ?? undefined)}
        />
        <Button icon={<ReloadOutlined />} loading={loading} onClick={onReload}>
          {t('刷新')}
        </Button>
      </Space>
    </div>
  );
}
