// The tables under the charts: 快递员 (with 拒收率), 快递公司, 小区 and 每日数据, the last with 导出
// (the daily table as the server writes it, Excel or CSV, for the same range and community).
// Loaded lazily, as the charts are: antd's Table is heavy, and the cards are what is read first.
import { DownloadOutlined, DownOutlined } from '@ant-design/icons';
import { Button, Card, Col, Dropdown, Row, Table, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import type { StatsCarrierRow, StatsCommunityRow, StatsCourierRow, StatsDay } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';
import type { Stats } from './useStats.js';

/** Rejected of all a courier brought (received or rejected at the door), `25.0%`; — with none. */
export function rejectionRate(row: Pick<StatsCourierRow, 'received' | 'rejected'>): string {
  const brought = row.received + row.rejected;
  return brought === 0 ? '—' : `${((row.rejected / brought) * 100).toFixed(1)}%`;
}

// Number columns take their content's width: a half-width card holds a table of seven.
const num = (title: string, key: string) => ({ title, dataIndex: key, key, align: 'right' as const });
const money = (title: string, key: string) => ({ ...num(title, key), render: (fen: number) => formatFen(fen) });

function courierColumns(t: T): TableColumnsType<StatsCourierRow> {
  return [
    // The server names a row without a courier record (taken in at the desk) or of a deleted one in Chinese.
    { title: t('快递员'), dataIndex: 'name', key: 'name', render: (name: string, r) => (r.courierId === null || name === '（已删除）' ? t(name) : name) },
    { title: t('快递公司'), dataIndex: 'carrier', key: 'carrier' },
    num(t('入库'), 'received'),
    num(t('拒收'), 'rejected'),
    num(t('退回'), 'returned'),
    { title: t('拒收率'), key: 'rate', align: 'right', render: (_, r) => rejectionRate(r) },
  ];
}

function carrierColumns(t: T): TableColumnsType<StatsCarrierRow> {
  return [
    { title: t('快递公司'), dataIndex: 'carrier', key: 'carrier' },
    num(t('入库'), 'received'),
    num(t('出库'), 'pickedUp'),
    num(t('拒收'), 'rejected'),
    num(t('退回'), 'returned'),
  ];
}

function communityColumns(t: T): TableColumnsType<StatsCommunityRow> {
  return [
    { title: t('小区'), dataIndex: 'name', key: 'name' },
    num(t('入库'), 'received'),
    num(t('出库'), 'pickedUp'),
    money(t('保管费'), 'feeIncomeFen'),
    num(t('待领取'), 'waitingNow'),
  ];
}

function dailyColumns(t: T): TableColumnsType<StatsDay> {
  return [
    // Newest first (the chart reads left to right, the export oldest first): the recent days on page 1.
    {
      title: t('日期'),
      dataIndex: 'day',
      key: 'day',
      sorter: (a, b) => a.day.localeCompare(b.day),
      defaultSortOrder: 'descend',
      sortDirections: ['descend', 'ascend', 'descend'],
    },
    num(t('入库'), 'received'),
    num(t('出库'), 'pickedUp'),
    num(t('拒收'), 'rejected'),
    num(t('退回'), 'returned'),
    money(t('保管费'), 'feeIncomeFen'),
    num(t('短信'), 'smsSent'),
  ];
}

/** One titled table; lists are short (a few dozen rows) and come whole, so paging is the table's own. */
function StatsTable<R extends object>(props: {
  testId: string;
  title: string;
  rowKey: (r: R) => string;
  columns: TableColumnsType<R>;
  rows: R[];
  loading: boolean;
  t: T;
  extra?: ReactNode;
}): ReactNode {
  return (
    <Card size="small" title={props.title} extra={props.extra} data-testid={props.testId} style={{ height: '100%' }}>
      <Table<R>
        size="small"
        rowKey={props.rowKey}
        columns={props.columns}
        dataSource={props.rows}
        loading={props.loading}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: props.t('暂无数据') }}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      />
    </Card>
  );
}

/** The four tables, two a row on a wide screen; `onExport` downloads the daily table. */
export default function StatsTables({
  stats,
  loading,
  t,
  onExport,
}: {
  stats: Stats | undefined;
  loading: boolean;
  t: T;
  onExport: (format: 'xlsx' | 'csv') => void;
}): ReactNode {
  const exportButton = (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'xlsx', label: 'Excel (.xlsx)' },
          { key: 'csv', label: 'CSV (.csv)' },
        ],
        onClick: ({ key }) => onExport(key === 'csv' ? 'csv' : 'xlsx'),
      }}
    >
      <Button size="small" icon={<DownloadOutlined />}>
        {t('导出')} <DownOutlined />
      </Button>
    </Dropdown>
  );
  const common = { loading, t };
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <StatsTable
          {...common}
          testId="table-couriers"
          title={t('快递员')}
          rowKey={(r) => `${r.courierId ?? 0}-${r.carrier}`}
          columns={courierColumns(t)}
          rows={stats?.couriers ?? []}
        />
      </Col>
      <Col xs={24} xl={12}>
        <StatsTable
          {...common}
          testId="table-carriers"
          title={t('快递公司')}
          rowKey={(r) => r.carrier}
          columns={carrierColumns(t)}
          rows={stats?.carriers ?? []}
        />
      </Col>
      <Col xs={24} xl={12}>
        <StatsTable
          {...common}
          testId="table-communities"
          title={t('小区')}
          rowKey={(r) => String(r.communityId)}
          columns={communityColumns(t)}
          rows={stats?.communities ?? []}
        />
      </Col>
      <Col xs={24} xl={12}>
        <StatsTable
          {...common}
          testId="table-daily"
          title={t('每日数据')}
          extra={exportButton}
          rowKey={(r) => r.day}
          columns={dailyColumns(t)}
          rows={stats?.daily ?? []}
        />
      </Col>
    </Row>
  );
}
