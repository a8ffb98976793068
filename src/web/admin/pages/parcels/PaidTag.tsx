import { Tag } from 'antd';
import type { ReactNode } from 'react';
import type { T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';

/** 已支付 ¥6.00: the custody fee the resident paid online (nothing is due at the desk). */
export function PaidTag({ t, fen }: { t: T; fen: number | null }): ReactNode {
  return (
    <Tag color="green" data-testid="fee-paid" style={{ marginInlineEnd: 0 }}>
      {t('已支付 {fee}', { fee: formatFen(fen ?? 0) })}
    </Tag>
  );
}
