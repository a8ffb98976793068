import { Checkbox, Spin } from 'antd';
import type { MouseEvent, ReactNode } from 'react';
import type { Parcel } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN } from '../../common.js';
import { EN } from './en.js';
import './parcels.css';

export interface Column {
  key: string;
  title: string;
  width?: number;
  /** One line, cut with … (the whole text in the tooltip): long addresses. */
  ellipsis?: (p: Parcel) => string;
  render?: (p: Parcel) => ReactNode;
}

interface Props {
  rows: Parcel[];
  columns: Column[];
  loading: boolean;
  emptyText: string;
  selectedIds: number[];
  onSelect: (ids: number[]) => void;
  /** A click on the row outside its buttons and tick box. */
  onOpen: (p: Parcel) => void;
  /** Rows just acted on, shown highlighted. */
  isStuck: (id: number) => boolean;
}

/**
 * Clicks on a tick box or a button are theirs, and so is a drag that selects text (a phone number
 * to copy); the rest of the row opens the details.
 */
function isControl(e: MouseEvent): boolean {
  if (window.getSelection()?.toString()) return true;
  return e.target instanceof Element && e.target.closest('button, a, input, label, .kd-check') !== null;
}

/** The list of 快递记录 with a tick box on each row (see parcels.css for why not antd's Table). */
export function ParcelTable({ rows, columns, loading, emptyText, selectedIds, onSelect, onOpen, isStuck }: Props): ReactNode {
  const t = useT(EN, COMMON_EN);
  const ticked = new Set(selectedIds);
  const all = rows.length > 0 && rows.every((p) => ticked.has(p.id));
  const some = !all && rows.some((p) => ticked.has(p.id));
  const toggle = (id: number, on: boolean) => onSelect(on ? [...selectedIds, id] : selectedIds.filter((x) => x !== id));
  return (
    <Spin spinning={loading}>
      <div className="kd-table-scroll">
        <table className="kd-table">
          <colgroup>
            <col style={{ width: 48 }} />
            {columns.map((c) => (
              <col key={c.key} style={c.width ? { width: c.width } : undefined} />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th className="kd-check">
                <Checkbox
                  checked={all}
                  indeterminate={some}
                  disabled={rows.length === 0}
                  onChange={(e) => onSelect(e.target.checked ? rows.map((p) => p.id) : [])}
                  aria-label={t('全选')}
                />
              </th>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td className="kd-empty" colSpan={columns.length + 1}>
                  {loading ? '\u00a0' : emptyText}
                </td>
              </tr>
            ) : (
              rows.map((p) => (
                <tr
                  key={p.id}
                  data-row-key={p.id}
                  className={ticked.has(p.id) ? 'kd-selected' : isStuck(p.id) ? 'kd-stuck' : undefined}
                  onClick={(e) => {
                    if (!isControl(e)) onOpen(p);
                  }}
                >
                  <td className="kd-check">
                    <Checkbox checked={ticked.has(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} aria-label={p.trackingNo} />
                  </td>
                  {columns.map((c) => {
                    if (c.ellipsis) {
                      const text = c.ellipsis(p);
                      return (
                        <td key={c.key}>
                          <div className="kd-ellipsis" title={text}>
                            {text}
                          </div>
                        </td>
                      );
                    }
                    return <td key={c.key}>{c.render?.(p)}</td>;
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Spin>
  );
}
