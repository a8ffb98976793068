// 变更内容: a row's changes, one field a line — `字段: 旧 → 新` for an update's pair, `字段: 值` for
// a creation's field — folded to three lines (a parcel's entry names ten fields) with 展开/收起.
import { Typography } from 'antd';
import type { ReactNode } from 'react';
import type { T } from '../../../i18n.js';
import { formatShanghai } from '../../../../shared/time.js';
import { statusLabel } from './labels.js';

/** An instant as the API writes it (`2026-01-08T07:30:00.000Z`): shown in Shanghai time as the 时间 column is. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** One value as a line shows it: text as is (an instant in Shanghai time), nothing as 空, yes/no, anything else as JSON. */
function valueText(t: T, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('空');
  if (typeof v === 'string') return INSTANT.test(v) ? formatShanghai(v) : v;
  if (typeof v === 'boolean') return t(v ? '是' : '否');
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/**
 * The lines of a row's changes. A two-item list is an update's [before, after] (the server's
 * export reads it the same way); a parcel's `status` shows its state's name.
 */
export function changeLines(t: T, changes: Record<string, unknown> | null, entity: string): string[] {
  if (!changes) return [];
  return Object.entries(changes).map(([field, v]) => {
    const show = (x: unknown) => valueText(t, entity === 'parcel' && field === 'status' ? statusLabel(t, x) : x);
    return Array.isArray(v) && v.length === 2 ? `${field}: ${show(v[0])} → ${show(v[1])}` : `${field}: ${show(v)}`;
  });
}

/** The 变更内容 cell. */
export function Changes({ t, changes, entity }: { t: T; changes: Record<string, unknown> | null; entity: string }): ReactNode {
  const lines = changeLines(t, changes, entity);
  if (lines.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Typography.Paragraph
      data-testid="changes"
      style={{ margin: 0, whiteSpace: 'pre-line', fontSize: 13 }}
      ellipsis={{ rows: 3, expandable: 'collapsible', symbol: (expanded) => t(expanded ? '收起' : '展开') }}
    >
      {lines.join('\n')}
    </Typography.Paragraph>
  );
}
