import { DownloadOutlined, DownOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Dropdown, Input, Select, Space } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import type { Community } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { useDownload } from '../../common.js';
import { CARRIER_OPTIONS, communityOptions, SEARCH_BY_LABEL } from './options.js';
import type { PeopleConfig, PersonRecord } from './types.js';
import type { ListParams } from './useListParams.js';

interface Props<R extends PersonRecord> {
  config: PeopleConfig<R>;
  params: ListParams;
  communities: Community[];
  t: T;
  onAdd: () => void;
  onImport: () => void;
}

/** 模糊搜索 and 条件筛选 on the left; + 添加 (手动添加, 批量导入) and 导出 on the right. */
export function PeopleToolbar<R extends PersonRecord>({ config, params, communities, t, onAdd, onImport }: Props<R>): ReactNode {
  const { q, filters, update } = params;
  const download = useDownload();
  // The box holds what is being typed; the list follows only on 搜索 (or Enter).
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const reset = () => {
    setText('');
    update(Object.fromEntries(['q', ...config.filters.map((f) => f.param)].map((k) => [k, undefined])));
  };

  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 16, flexWrap: 'wrap', marginBottom: 16 }}>
      <Space wrap>
        <Input
          allowClear
          prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
          placeholder={t('输入手机号/姓名进行搜索')}
          aria-label={t('输入手机号/姓名进行搜索')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            // The clear button (a click, not typing) shows the whole list again at once.
            if (e.type === 'click' && q) update({ q: undefined });
          }}
          onPressEnter={() => update({ q: text })}
          style={{ width: 260 }}
        />
        {config.filters.map((f) => (
          <Select<string | number>
            key={f.param}
            allowClear
            showSearch={SEARCH_BY_LABEL}
            aria-label={t(f.placeholder)}
            placeholder={t(f.placeholder)}
            style={{ width: 180 }}
            options={f.kind === 'community' ? communityOptions(communities) : CARRIER_OPTIONS}
            value={filters[f.param] ? (f.kind === 'community' ? Number(filters[f.param]) : filters[f.param]) : undefined}
            onChange={(v) => update({ [f.param]: v })}
          />
        ))}
        <Button type="primary" onClick={() => update({ q: text })}>
          {t('搜索')}
        </Button>
        <Button onClick={reset}>{t('重置')}</Button>
      </Space>
      <Space>
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'manual', label: t('手动添加') },
              { key: 'import', label: t('批量导入') },
            ],
            onClick: ({ key }) => (key === 'manual' ? onAdd() : onImport()),
          }}
        >
          <Button type="primary" icon={<PlusOutlined />}>
            {t(config.labels.add)} <DownOutlined />
          </Button>
        </Dropdown>
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'xlsx', label: 'Excel (.xlsx)' },
              { key: 'csv', label: 'CSV (.csv)' },
            ],
            // The list's own filters, so that what is exported is what is shown (all pages of it).
            onClick: ({ key }) => void download(`${config.path}/export`, { format: key, q, ...filters }),
          }}
        >
          <Button icon={<DownloadOutlined />}>
            {t(config.labels.export)} <DownOutlined />
          </Button>
        </Dropdown>
      </Space>
    </div>
  );
}
