// What the list shows (tab, search, filters, page) lives in the address, so a reload, a re-login
// (SessionGate keeps the query) or the back button returns to the same list.
import { useCallback, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router';
import type { ParcelStatus } from '../../../api-types.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../../shared/constants.js';
import { PARCEL_STATUSES } from '../../../../shared/parcel-status.js';

export const TABS = ['pending', 'awaiting', 'exception', 'stale', 'returned', 'all'] as const;
export type Tab = (typeof TABS)[number];

/** The tab's state; 滞留 asks for stale parcels (waiting, by their community's days); 全部 takes the state chosen in 条件筛选, if any. */
export const TAB_STATUS: Record<Exclude<Tab, 'all' | 'stale'>, ParcelStatus> = {
  pending: 'pending_receipt',
  awaiting: 'awaiting_pickup',
  exception: 'exception',
  returned: 'returned',
};

export interface ParcelFilters {
  communityId?: number;
  carrier?: string;
  courierId?: number;
  /** Only with the 全部 tab. */
  status?: ParcelStatus;
  /** Days (`2026-01-08`), read by the API as days in Shanghai. */
  from?: string;
  to?: string;
  damaged?: boolean;
}

export interface ListView {
  tab: Tab;
  q: string;
  page: number;
  pageSize: number;
  filters: ParcelFilters;
}

export type ListQuery = Record<string, string | number | boolean | undefined>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function positive(v: string | null): number | undefined {
  return v && /^\d{1,15}$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

/** The view an address describes; anything malformed reads as its default. */
export function readView(params: URLSearchParams): ListView {
  const tab = params.get('tab');
  const status = params.get('status');
  const damaged = params.get('damaged');
  const from = params.get('from');
  const to = params.get('to');
  const filters: ParcelFilters = {
    communityId: positive(params.get('community')),
    carrier: params.get('carrier') || undefined,
    courierId: positive(params.get('courier')),
    status: PARCEL_STATUSES.find((s) => s === status),
    from: from && DAY.test(from) ? from : undefined,
    to: to && DAY.test(to) ? to : undefined,
    damaged: damaged === '1' ? true : damaged === '0' ? false : undefined,
  };
  const size = positive(params.get('size'));
  return {
    tab: TABS.find((x) => x === tab) ?? (filters.status ? 'all' : 'pending'),
    q: (params.get('q') ?? '').trim(),
    page: positive(params.get('page')) ?? 1,
    pageSize: size && size <= MAX_PAGE_SIZE ? size : DEFAULT_PAGE_SIZE,
    filters,
  };
}

/** The address of a view, leaving out defaults so it stays short. */
export function writeView(v: ListView): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, val: string | number | undefined) => {
    if (val !== undefined && val !== '') p.set(k, String(val));
  };
  if (v.tab !== 'pending') set('tab', v.tab);
  set('q', v.q);
  const f = v.filters;
  set('community', f.communityId);
  set('carrier', f.carrier);
  set('courier', f.courierId);
  if (v.tab === 'all') set('status', f.status);
  set('from', f.from);
  set('to', f.to);
  if (f.damaged !== undefined) set('damaged', f.damaged ? '1' : '0');
  if (v.page > 1) set('page', v.page);
  if (v.pageSize !== DEFAULT_PAGE_SIZE) set('size', v.pageSize);
  return p;
}

/** The list's filters as the API takes them (GET /api/parcels and its export), without paging. */
export function listQuery(v: Pick<ListView, 'tab' | 'q' | 'filters'>): ListQuery {
  const { status, ...f } = v.filters;
  if (v.tab === 'stale') return { ...f, stale: true, q: v.q || undefined };
  return { ...f, status: v.tab === 'all' ? status : TAB_STATUS[v.tab], q: v.q || undefined };
}

/** Identifies one list (tab, search, filters): a new key is a new list, back on page 1. */
export function listKey(v: Pick<ListView, 'tab' | 'q' | 'filters'>): string {
  return JSON.stringify(listQuery(v));
}

/** Whether any 条件筛选 filter is set. */
export function hasFilters(f: ParcelFilters): boolean {
  return Object.values(f).some((x) => x !== undefined);
}

/**
 * The view in the address and a way to change it. A change of tab, search or filters goes back to
 * page 1; each change is a history entry, so the back button steps through the clerk's searches.
 */
export function useListView(): { view: ListView; change: (patch: Partial<ListView>) => ListView } {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => readView(params), [params]);
  // Dialogs change the view when they close, long after the render that opened them.
  const latest = useRef(view);
  latest.current = view;
  const change = useCallback(
    (patch: Partial<ListView>) => {
      const now = latest.current;
      const next: ListView = { ...now, ...patch };
      if (next.tab !== 'all') next.filters = { ...next.filters, status: undefined };
      if (listKey(next) !== listKey(now) && patch.page === undefined) next.page = 1;
      latest.current = next;
      setParams(writeView(next));
      return next;
    },
    [setParams],
  );
  return { view, change };
}
