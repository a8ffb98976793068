// What every console screen shares: the English of the common labels, success and error
// feedback, server-side paging, the org's communities, and file downloads.
import { App } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage } from '../api.js';
import type { Community, Page } from '../api-types.js';

export const COMMON_EN = {
  快递代收: 'Parcels',
  物业管理后台: 'Property console',
  数据看板: 'Dashboard',
  快递记录: 'Parcel records',
  快递员管理: 'Couriers',
  入库: 'Intake',
  出库: 'Checkout',
  送货上门: 'Door delivery',
  代寄: 'Shipments',
  货架管理: 'Shelves',
  代收设置: 'Collection settings',
  住户管理: 'Residents',
  人员管理: 'Staff',
  通知记录: 'Notifications',
  开放接口: 'Open API',
  操作日志: 'Audit log',
  应用广场: 'App square',
  退出: 'Sign out',
  菜单: 'Menu',
  修改密码: 'Change password',
  管理员: 'Admin',
  前台: 'Front desk',
  无法连接服务器: 'Cannot reach the server',
  仅物业管理员可以使用此功能: 'Only property admins can use this',
  '快递代收应用已关闭，快递员暂时无法录入包裹': 'The parcel app is closed: couriers cannot enter parcels for now',
  去开启: 'Open it',
  操作成功: 'Done',
  搜索: 'Search',
  重置: 'Reset',
  确认: 'Confirm',
  取消: 'Cancel',
  保存: 'Save',
  修改: 'Edit',
  删除: 'Delete',
  是: 'Yes',
  否: 'No',
  关闭: 'Close',
  '共 {total} 条': '{total} in all',
  '共 {total}+ 条，请缩小搜索范围': 'More than {total}: narrow the search',
} as const;

/** Success and error toasts; an API error shows the API's own message. Stable across renders. */
export function useFeedback(): { ok: (text: string) => void; fail: (err: unknown) => void } {
  const { message } = App.useApp();
  return useMemo(
    () => ({
      ok: (text: string) => void message.success(text),
      fail: (err: unknown) => void message.error(errorMessage(err)),
    }),
    [message],
  );
}

/**
 * What `load()` answers, read again whenever `deps` change or `reload()` is called. An answer
 * that arrives after a newer request is dropped; a failure shows the API's message.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | undefined; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const { fail } = useFeedback();
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let current = true;
    setLoading(true);
    loadRef
      .current()
      .then((answer) => {
        if (current) setData(answer);
      })
      .catch((err: unknown) => {
        if (current) fail(err);
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
    // `deps` stand for what `load` reads: the effect runs when they change, as useEffect's own do.
  }, [...deps, tick, fail]);
  return { data, loading, reload: useCallback(() => setTick((n) => n + 1), []) };
}

export interface PagedList<T> {
  items: T[];
  total: number;
  /** The total is the API's search cap: there are more. */
  totalCapped: boolean;
  page: number;
  pageSize: number;
  loading: boolean;
  setPage: (page: number, pageSize?: number) => void;
  reload: () => void;
}

/**
 * One page of a list the server pages (`{ items, total }`); `key` holds the filters, and a new
 * key goes back to page 1. An answer that arrives after a newer request is dropped.
 */
export function usePagedList<T>(fetchPage: (page: number, pageSize: number) => Promise<Page<T>>, key: string, initialPageSize = 20): PagedList<T> {
  const [paging, setPaging] = useState({ page: 1, pageSize: initialPageSize, key });
  const page = paging.key === key ? paging.page : 1;
  const { data, loading, reload } = useLoad(() => fetchPage(page, paging.pageSize), [key, page, paging.pageSize]);
  return {
    items: data?.items ?? [],
    total: data?.total ?? 0,
    totalCapped: data?.totalCapped === true,
    page,
    pageSize: paging.pageSize,
    loading,
    setPage: useCallback((p: number, size?: number) => setPaging((s) => ({ page: p, pageSize: size ?? s.pageSize, key })), [key]),
    reload,
  };
}

/** The communities the signed-in staff member may see (the API lists them all). */
export function useCommunities(): { communities: Community[]; reload: () => void; loading: boolean } {
  const { data, loading, reload } = useLoad(() => api.get<Page<Community>>('/api/communities'), []);
  return { communities: data?.items ?? NO_COMMUNITIES, loading, reload };
}
const NO_COMMUNITIES: Community[] = [];

/**
 * Downloads a file the API serves (an export, a template). It is fetched first, so that a refusal
 * (too many rows, an ended session) shows the API's message instead of being saved as the file.
 */
export function useDownload(): (path: string, query?: Record<string, string | number | boolean | undefined>) => Promise<void> {
  const { fail } = useFeedback();
  return async (path, query) => {
    try {
      const { blob, name } = await api.file(path, query);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      fail(err);
    }
  };
}
