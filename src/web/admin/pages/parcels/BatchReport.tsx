import { Alert } from 'antd';
import type { ReactNode } from 'react';
import type { BatchResult, Parcel } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN } from '../../common.js';
import type { BatchKind } from './dialogs.js';
import { EN } from './en.js';

export interface BatchOutcome {
  kind: BatchKind;
  result: BatchResult;
  /** The parcels that were ticked, to name the failed ones by tracking number. */
  parcels: Parcel[];
}

/** What a batch 接收 / 拒收 did: how many were done, and each failure with the API's reason. */
export function BatchReport({ outcome, onClose }: { outcome: BatchOutcome; onClose: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { kind, result, parcels } = outcome;
  const byId = new Map(parcels.map((p) => [p.id, p]));
  const vars = { done: result.done.length, failed: result.failed.length };
  return (
    <Alert
      data-testid="batch-report"
      type={result.failed.length ? 'warning' : 'success'}
      showIcon
      closable={{ onClose }}
      title={t(kind === 'receive' ? '接收：成功 {done} 个，失败 {failed} 个' : '拒收：成功 {done} 个，失败 {failed} 个', vars)}
      description={
        result.failed.length ? (
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {result.failed.map((f) => (
              <li key={f.id}>
                {byId.get(f.id)?.trackingNo ?? `#${f.id}`}：{f.message}
              </li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
