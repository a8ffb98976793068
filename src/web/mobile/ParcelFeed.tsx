import { ErrorBlock, InfiniteScroll } from 'antd-mobile';
import { useState, type ReactNode } from 'react';
import { api } from '../api.js';
import type { Page, Parcel, ParcelStatus } from '../api-types.js';
import { useT } from '../i18n.js';
import { MOBILE_EN } from './format.js';

const PAGE_SIZE = 20;

interface Props {
  path: '/api/resident/parcels' | '/api/courier/parcels';
  status?: ParcelStatus;
  render: (p: Parcel) => ReactNode;
}

/** A list of the user's own parcels, newest first, loading the next page as it scrolls into view. */
export function ParcelFeed({ path, status, render }: Props) {
  const t = useT(MOBILE_EN);
  const [items, setItems] = useState<Parcel[]>([]);
  const [hasMore, setHasMore] = useState(true);
  const [failed, setFailed] = useState(false);

  async function loadMore() {
    const page = Math.floor(items.length / PAGE_SIZE) + 1;
    try {
      const r = await api.get<Page<Parcel>>(path, { status, page, pageSize: PAGE_SIZE });
      setItems((prev) => [...prev, ...r.items]);
      setHasMore(page * PAGE_SIZE < r.total);
      setFailed(false);
    } catch (err) {
      setFailed(true);
      throw err; // InfiniteScroll then offers 重新加载
    }
  }

  return (
    <>
      {items.map(render)}
      {!hasMore && items.length === 0 && !failed ? (
        <ErrorBlock status="empty" title={t('暂无快递')} description="" />
      ) : (
        <InfiniteScroll loadMore={loadMore} hasMore={hasMore}>
          {(more, loadFailed, retry) =>
            loadFailed ? (
              <button type="button" className="kd-nav-action" onClick={retry}>
                {t('加载失败')} · {t('重试')}
              </button>
            ) : more ? (
              <span className="kd-muted">{t('加载中')}…</span>
            ) : (
              <span className="kd-muted">{t('没有更多了')}</span>
            )
          }
        </InfiniteScroll>
      )}
    </>
  );
}
