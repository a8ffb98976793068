// The trail's columns: 时间, 操作人, 操作, 对象, 变更内容, IP.
import { Typography, type TableColumnsType } from 'antd';
import type { AuditEntry } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { formatShanghai } from '../../../../shared/time.js';
import { Changes } from './Changes.js';
import { actionLabel, actorLabel, entityLabel } from './labels.js';

const small = { fontSize: 12 } as const;

/** The columns of the 操作日志 table, in the language of `t`. */
export function auditColumns(t: T): TableColumnsType<AuditEntry> {
  return [
    { title: t('时间'), dataIndex: 'at', key: 'at', width: 150, render: (at: string) => formatShanghai(at) },
    {
      title: t('操作人'),
      key: 'actor',
      width: 190,
      render: (_, e) => (
        <>
          <div>{e.actor.name}</div>
          <Typography.Text type="secondary" style={small}>
            {actorLabel(t, e.actor.kind)}
            {e.actor.id === null ? '' : ` #${e.actor.id}`}
          </Typography.Text>
        </>
      ),
    },
    {
      title: t('操作'),
      key: 'action',
      width: 190,
      render: (_, e) => {
        const label = actionLabel(t, e.action);
        // The raw action is what the 操作 filter takes: shown under the name, to copy from.
        return label === undefined ? (
          <Typography.Text code>{e.action}</Typography.Text>
        ) : (
          <>
            <div>{label}</div>
            <Typography.Text type="secondary" style={small}>
              {e.action}
            </Typography.Text>
          </>
        );
      },
    },
    {
      title: t('对象'),
      key: 'entity',
      width: 140,
      render: (_, e) => (
        <>
          {entityLabel(t, e.entity)}
          {e.entityId === null ? '' : ` #${e.entityId}`}
        </>
      ),
    },
    { title: t('变更内容'), key: 'changes', render: (_, e) => <Changes t={t} changes={e.changes} entity={e.entity} /> },
    { title: t('IP'), dataIndex: 'ip', key: 'ip', width: 140, render: (ip: string | null) => ip ?? '—' },
  ];
}
