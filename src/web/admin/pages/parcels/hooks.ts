// The page in the address, the tab counts, and the rows a clerk just handled.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../../api.js';
import type { Parcel, ParcelStatus } from '../../../api-types.js';
import { useLoad, type PagedList } from '../../common.js';
import type { ListView } from './list-view.js';

/** usePagedList starts each list on page 1; the page (and its size) in the address win. */
export function useUrlPage(list: PagedList<unknown>, view: Pick<ListView, 'page' | 'pageSize'>): void {
  const { page, pageSize, setPage } = list;
  useEffect(() => {
    if (page !== view.page || pageSize !== view.pageSize) setPage(view.page, view.pageSize);
  }, [page, pageSize, setPage, view.page, view.pageSize]);
}

export type Counts = Record<ParcelStatus | 'all', number>;

/** GET /api/parcels/counts for the tabs (of one community when filtered), re-read on `reload`. */
export function useCounts(communityId: number | undefined): { counts: Counts | null; reload: () => void } {
  const { data, reload } = useLoad(() => api.get<Counts>('/api/parcels/counts', { communityId }), [communityId]);
  return { counts: data ?? null, reload };
}

interface Stuck {
  key: string;
  rows: { parcel: Parcel; index: number }[];
}

/**
 * The list as shown: the server's page, plus the rows acted on since this list was opened that
 * the fresh page no longer holds (a parcel picked up leaves 待领取; a code, once spent, matches
 * nothing), each where it was and in its new state. The clerk sees what was just done; the next
 * search, tab or page shows the server's list alone.
 */
export function useStickyRows(
  items: Parcel[],
  key: string,
): { rows: Parcel[]; isStuck: (id: number) => boolean; stick: (parcel: Parcel, forKey?: string) => void } {
  const [stuck, setStuck] = useState<Stuck>({ key, rows: [] });
  const own = useMemo(() => (stuck.key === key ? stuck.rows : []), [stuck, key]);

  const rows = useMemo(() => {
    // The action's answer wins over a page that may have been read before the action.
    const byId = new Map(own.map((s) => [s.parcel.id, s.parcel]));
    const out = items.map((p) => byId.get(p.id) ?? p);
    const fresh = new Set(items.map((p) => p.id));
    for (const s of [...own].sort((a, b) => a.index - b.index)) {
      if (!fresh.has(s.parcel.id)) out.splice(Math.min(s.index, out.length), 0, s.parcel);
    }
    return out;
  }, [items, own]);

  const stick = useCallback(
    (parcel: Parcel, forKey: string = key) => {
      setStuck((prev) => {
        const kept = prev.key === forKey ? prev.rows.filter((r) => r.parcel.id !== parcel.id) : [];
        const at = forKey === key ? rows.findIndex((p) => p.id === parcel.id) : -1;
        return { key: forKey, rows: [...kept, { parcel, index: at < 0 ? 0 : at }] };
      });
    },
    [key, rows],
  );

  const ids = useMemo(() => new Set(own.map((r) => r.parcel.id)), [own]);
  return { rows, isStuck: useCallback((id: number) => ids.has(id), [ids]), stick };
}
