import { Button, Popconfirm, Space, Table, type TableColumnsType } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Page } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useCommunities, useFeedback, usePagedList } from '../../common.js';
import { ImportModal } from './ImportModal.js';
import { PEOPLE_EN } from './labels.js';
import { PeopleToolbar } from './PeopleToolbar.js';
import { PersonFormModal } from './PersonFormModal.js';
import type { FormValues, PeopleConfig, PersonRecord } from './types.js';
import { PAGE_SIZES, useListParams } from './useListParams.js';

/**
 * A records screen (快递员管理, 住户管理): the list the server pages, with search and filters kept
 * in the address; 手动添加, 修改 and 删除; 批量导入 and 导出.
 */
export function PeopleScreen<R extends PersonRecord>({
  config,
  rowActions,
  rowActionsWidth = 0,
}: {
  config: PeopleConfig<R>;
  /** More links in a row's 操作 (after 修改 and 删除), and the room they need. */
  rowActions?: (r: R) => ReactNode;
  rowActionsWidth?: number;
}): ReactNode {
  const t = useT(config.en, PEOPLE_EN, COMMON_EN);
  const params = useListParams(config.filters.map((f) => f.param));
  const { communities, loading: communitiesLoading } = useCommunities();
  const { ok, fail } = useFeedback();
  const [form, setForm] = useState<{ open: boolean; editing: R | null }>({ open: false, editing: null });
  const [importing, setImporting] = useState(false);

  const { q, filters, page, pageSize, update } = params;
  // The address holds the page, so the page is part of the key and each key is fetched at the
  // page the address names (the hook's own page counter, reset by every new key, is not used).
  const list = usePagedList<R>(() => api.get<Page<R>>(config.path, { q, ...filters, page, pageSize }), JSON.stringify([q, filters, page, pageSize]), pageSize);

  // A page past the end (the last row of the last page deleted, or an old link): the last page.
  useEffect(() => {
    if (!list.loading && list.items.length === 0 && list.total > 0 && page > 1) update({ page: Math.ceil(list.total / pageSize) }, { replace: true });
  }, [list.loading, list.items.length, list.total, page, pageSize, update]);

  const remove = async (r: R) => {
    try {
      await api.del(`${config.path}/${r.id}`);
      ok(t('已删除'));
      list.reload();
    } catch (err) {
      fail(err);
    }
  };

  // A new record starts in the community being looked at, or the only one there is.
  const community = Number(filters.communityId) || (communities.length === 1 ? communities[0]?.id : undefined);
  const defaults: FormValues = community ? { communityId: community } : {};

  const columns: TableColumnsType<R> = [
    ...config.columns.map((c) => ({ key: c.key, dataIndex: c.key, title: t(c.title), width: c.width })),
    {
      key: 'actions',
      title: t('操作'),
      width: 150 + rowActionsWidth,
      render: (_: unknown, r: R) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setForm({ open: true, editing: r })}>
            {t('修改')}
          </Button>
          <Popconfirm
            title={t('确定删除{name}（{phone}）吗？', { name: r.name, phone: r.phone })}
            okText={t('确认')}
            cancelText={t('取消')}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove(r)}
          >
            <Button type="link" size="small" danger>
              {t('删除')}
            </Button>
          </Popconfirm>
          {rowActions?.(r)}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PeopleToolbar
        config={config}
        params={params}
        communities={communities}
        t={t}
        onAdd={() => setForm({ open: true, editing: null })}
        onImport={() => setImporting(true)}
      />
      <Table<R>
        rowKey="id"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={{
          current: page,
          pageSize,
          total: list.total,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          showTotal: (total) => t('共 {total} 条', { total }),
          onChange: (p, size) => update({ page: size === pageSize ? p : 1, pageSize: size }),
        }}
      />
      <PersonFormModal
        config={config}
        open={form.open}
        editing={form.editing}
        defaults={defaults}
        communities={communities}
        noCommunities={!communitiesLoading && communities.length === 0}
        t={t}
        onClose={() => setForm((f) => ({ ...f, open: false }))}
        onSaved={list.reload}
      />
      <ImportModal path={config.path} labels={config.labels} open={importing} t={t} onClose={() => setImporting(false)} onImported={list.reload} />
    </>
  );
}
