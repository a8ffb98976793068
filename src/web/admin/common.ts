// What every console screen shares: the English of the common labels, success and error
// feedback, server-side paging, the org's communities, and file downloads.
import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api.js';
import type { Community, Page } from '../api-types.js';

export const COMMON_EN = {
  快递代收: 'Parcels',
  物业管理后台: 'Property console',
  快递记录: 'Parcel records',
  快递员管理: 'Couriers',
  代收设置: 'Collection settings',
  住户管理: 'Residents',
  人员管理: 'Staff',
  通知记录: 'Notifications',
  应用广场: 'App square',
  退出: 'Sign out',
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
} as const;

/** Success and error toasts; an API error shows the API's own message. */
export function useFeedback(): { ok: (text: string) => void; fail: (err: unknown) => void } {
  const { message } = App.useApp();
  return {
    ok: (text) => void message.success(text),
    fail: (err) => void message.error(errorMessage(err)),
  };
}

export interface PagedList<T> {
  items: T[];
  total: number;
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
  const [state, setState] = useState<{ items: T[]; total: number }>({ items: [], total: 0 });
  const [paging, setPaging] = useState({ page: 1, pageSize: initialPageSize, key });
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const { fail } = useFeedback();
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const page = paging.key === key ? paging.page : 1;

  useEffect(() => {
    const id = ++latest.current;
    setLoading(true);
    fetchRef
      .current(page, paging.pageSize)
      .then((answer) => {
        if (id === latest.current) setState(answer);
      })
      .catch((err: unknown) => {
        if (id === latest.current) fail(err);
      })
      .finally(() => {
        if (id === latest.current) setLoading(false);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, page, paging.pageSize, tick]);

  return {
    ...state,
    page,
    pageSize: paging.pageSize,
    loading,
    setPage: useCallback((p: number, size?: number) => setPaging((s) => ({ page: p, pageSize: size ?? s.pageSize, key })), [key]),
    reload: useCallback(() => setTick((n) => n + 1), []),
  };
}

/** The communities the signed-in staff member may see (the API lists them all). */
export function useCommunities(): { communities: Community[]; reload: () => void; loading: boolean } {
  const [communities, setCommunities] = useState<Community[]>([]);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const { fail } = useFeedback();
  useEffect(() => {
    setLoading(true);
    api
      .get<Page<Community>>('/api/communities')
      .then((p) => setCommunities(p.items))
      .catch(fail)
      .finally(() => setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  return { communities, loading, reload: useCallback(() => setTick((n) => n + 1), []) };
}

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
