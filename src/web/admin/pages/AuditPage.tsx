// 操作日志 (admins): the org's audit trail, newest first, filtered and paged on the server, with the
// filters and the page in the address; 导出 downloads the filter's rows (all pages of them).
import { DownloadOutlined, DownOutlined } from '@ant-design/icons';
import { Button, Dropdown, Table, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { AuditEntry, Page } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useDownload, usePagedList } from '../common.js';
import { auditColumns } from './audit/columns.js';
import { EN } from './audit/en.js';
import { FilterBar } from './audit/FilterBar.js';
import { auditQuery, FILTER_PARAMS } from './audit/filters.js';
import { PAGE_SIZES, useListParams } from './people/useListParams.js';

/** 操作日志: who did what and when, for the org's admins; read only. */
export default function AuditPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  const download = useDownload();
  const { filters, page, pageSize, update } = useListParams(FILTER_PARAMS);
  const query = auditQuery(filters);
  // The page is in the address and so in the key: each key is fetched at the page the address names.
  const key = JSON.stringify([query, page, pageSize]);
  const list = usePagedList<AuditEntry>(() => api.get<Page<AuditEntry>>('/api/audit', { ...query, page, pageSize }), key, pageSize);

  // A page past the end (an old link, a narrower filter kept the page): the last page.
  useEffect(() => {
    if (!list.loading && list.items.length === 0 && list.total > 0 && page > 1) update({ page: Math.ceil(list.total / pageSize) }, { replace: true });
  }, [list.loading, list.items.length, list.total, page, pageSize, update]);

  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('操作日志')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('谁在什么时候做了什么：包裹的每一步、人员与设置的修改、登录和导出。记录只能查看，不能修改或删除。')}
        </Typography.Text>
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 16, marginBottom: 16 }}>
        <FilterBar
          value={query}
          t={t}
          onApply={(params) => {
            update(params);
            // 查询 with the same filters reads the trail again: new rows since.
            list.reload();
          }}
        />
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'xlsx', label: 'Excel (.xlsx)' },
              { key: 'csv', label: 'CSV (.csv)' },
            ],
            // The list's own filters: what is exported is what is shown, all pages of it.
            onClick: ({ key: format }) => void download('/api/audit/export', { format, ...query }),
          }}
        >
          <Button icon={<DownloadOutlined />}>
            {t('导出')} <DownOutlined />
          </Button>
        </Dropdown>
      </div>
      <Table<AuditEntry>
        rowKey="id"
        size="middle"
        columns={auditColumns(t)}
        dataSource={list.items}
        loading={list.loading}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t('暂无操作记录') }}
        pagination={{
          current: page,
          pageSize,
          total: list.total,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          // Past the API's count cap the total is the cap: say there are more.
          showTotal: (total) => (list.totalCapped ? t('超过 {total} 条，请缩小筛选范围', { total }) : t('共 {total} 条', { total })),
          onChange: (p, size) => update({ page: size === pageSize ? p : 1, pageSize: size }),
        }}
      />
    </>
  );
}
