import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

export const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_PAGE_SIZE = 20;

export interface ListParams {
  q: string;
  /** The 条件筛选 values by URL parameter ('' when not set). */
  filters: Record<string, string>;
  page: number;
  pageSize: number;
  /**
   * Changes some parameters; any change but a page change goes back to page 1. `replace` corrects
   * the address without a new history entry.
   */
  update: (patch: Record<string, string | number | undefined>, opts?: { replace?: boolean }) => void;
}

function positive(text: string | null, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * The list's search, filters and page, kept in the address (`?q=&communityId=&page=`), so that a
 * link, a reload or the back button shows the same list.
 */
export function useListParams(filterParams: readonly string[]): ListParams {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = positive(params.get('page'), 1);
  const size = positive(params.get('pageSize'), DEFAULT_PAGE_SIZE);
  const pageSize = PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE;
  const filters = Object.fromEntries(filterParams.map((p) => [p, params.get(p) ?? '']));

  const update = useCallback(
    (patch: Record<string, string | number | undefined>, opts: { replace?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (!('page' in patch)) next.delete('page');
          for (const [k, v] of Object.entries(patch)) {
            const text = v === undefined ? '' : String(v).trim();
            const isDefault = (k === 'page' && text === '1') || (k === 'pageSize' && text === String(DEFAULT_PAGE_SIZE));
            if (text === '' || isDefault) next.delete(k);
            else next.set(k, text);
          }
          return next;
        },
        { replace: opts.replace },
      );
    },
    [setParams],
  );

  return { q, filters, page, pageSize, update };
}
