// The cards: what waits now, the range's moves, the dwell time, the income and the messages sent
// (the SMS bill). Money is integer fen, shown as ¥12.34; an hour figure without any pickup is —.
import { Card, Statistic, theme, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { StatsSummaryReply } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';

interface StatCard {
  /** `stat-<key>` is the card's test id. */
  key: string;
  title: string;
  value: string | number | undefined;
  /** A smaller line under the figure. */
  note?: string;
  /** Red when there is something to act on (stale parcels). */
  alert?: boolean;
}

function cardsOf(s: StatsSummaryReply | undefined, t: T): StatCard[] {
  const hours = (h: number | null | undefined) => (h === null || h === undefined ? '—' : t('{n} 小时', { n: h }));
  const fen = (f: number | undefined) => (f === undefined ? undefined : formatFen(f));
  return [
    { key: 'waitingNow', title: t('待领取'), value: s?.waitingNow, note: t('此刻') },
    { key: 'staleNow', title: t('滞留'), value: s?.staleNow, note: t('此刻，超过退回天数'), alert: (s?.staleNow ?? 0) > 0 },
    { key: 'received', title: t('入库'), value: s?.received },
    { key: 'pickedUp', title: t('出库'), value: s?.pickedUp },
    { key: 'rejected', title: t('拒收'), value: s?.rejected },
    { key: 'returned', title: t('退回'), value: s?.returned },
    { key: 'dwell', title: t('停留时长 中位数'), value: s && hours(s.dwellMedianHours), note: s && t('90%：{h}', { h: hours(s.dwellP90Hours) }) },
    { key: 'feeIncome', title: t('保管费收入'), value: fen(s?.feeIncomeFen), note: s && s.feeWaived > 0 ? t('撤销 {n} 件', { n: s.feeWaived }) : undefined },
    { key: 'serviceIncome', title: t('服务收入'), value: fen(s?.serviceIncomeFen), note: t('送货上门和代寄') },
    { key: 'sms', title: t('短信'), value: s?.smsSent, note: s && t('微信 {n} 条', { n: s.wechatSent }) },
  ];
}

/** The row of cards; a skeleton until the first answer. */
export function SummaryCards({ summary, t }: { summary: StatsSummaryReply | undefined; t: T }): ReactNode {
  const { token } = theme.useToken();
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))', gap: 12, marginBottom: 16 }}>
      {cardsOf(summary, t).map((c) => (
        <Card key={c.key} size="small" data-testid={`stat-${c.key}`}>
          <Statistic
            title={c.title}
            value={c.value ?? 0}
            loading={summary === undefined}
            styles={c.alert ? { content: { color: token.colorError } } : undefined}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', minHeight: 20 }} data-testid={`stat-${c.key}-note`}>
            {c.note}
          </Typography.Text>
        </Card>
      ))}
    </div>
  );
}
