import { DownOutlined, LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../../i18n.js';
import { MAX_PAGE_SIZE } from '../../../../shared/constants.js';
import { COMMON_EN } from '../../common.js';
import { EN } from './en.js';

const SIZES = [20, 50, 100, MAX_PAGE_SIZE];

/** The pages to offer around `page`: the first, the last, two either side, gaps as null. */
function pageWindow(page: number, last: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let p = 1; p <= last; p++) {
    if (p === 1 || p === last || Math.abs(p - page) <= 2) out.push(p);
    else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

/**
 * 共 N 条, the pages and the page size, as antd's Pagination shows them (without its Select).
 * A search with more matches than the API counts (`capped`) pages through the first `total`.
 */
export function Pager({
  page,
  pageSize,
  total,
  capped = false,
  onChange,
}: {
  page: number;
  pageSize: number;
  total: number;
  capped?: boolean;
  onChange: (page: number, pageSize: number) => void;
}): ReactNode {
  const t = useT(EN, COMMON_EN);
  const last = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0) return null;
  return (
    <nav className="kd-pager" aria-label={t('分页')}>
      <span>{capped ? t('共 {total}+ 条，请缩小搜索范围', { total }) : t('共 {total} 条', { total })}</span>
      <Button size="small" icon={<LeftOutlined />} aria-label={t('上一页')} disabled={page <= 1} onClick={() => onChange(page - 1, pageSize)} />
      {pageWindow(page, last).map((p, i) =>
        p === null ? (
          <span key={`gap-${i}`} className="kd-sub">
            …
          </span>
        ) : (
          <Button
            key={p}
            size="small"
            className={p === page ? 'kd-current' : undefined}
            aria-current={p === page ? 'page' : undefined}
            style={{ minWidth: 28 }}
            onClick={() => onChange(p, pageSize)}
          >
            {p}
          </Button>
        ),
      )}
      <Button size="small" icon={<RightOutlined />} aria-label={t('下一页')} disabled={page >= last} onClick={() => onChange(page + 1, pageSize)} />
      <Dropdown
        trigger={['click']}
        menu={{
          items: SIZES.map((n) => ({ key: String(n), label: t('{n} 条/页', { n }) })),
          selectable: true,
          selectedKeys: [String(pageSize)],
          // A new size starts again at page 1: the old page may not exist any more.
          onClick: ({ key }) => onChange(1, Number(key)),
        }}
      >
        <Button size="small">
          {t('{n} 条/页', { n: pageSize })} <DownOutlined />
        </Button>
      </Dropdown>
    </nav>
  );
}
