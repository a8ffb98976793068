import { Button, List } from 'antd-mobile';
import { useT } from '../i18n.js';
import { COURIER_EN } from './en.js';
import type { Outbox, QueuedEntry } from './outbox.js';

const STATE_LABEL: Record<QueuedEntry['state'], string> = { sending: '发送中', waiting: '待发送', failed: '发送失败' };

/** 待发送: what the phone still holds, each with its state, 重发 and 删除. */
export function PendingList({ outbox, entries }: { outbox: Outbox; entries: QueuedEntry[] }) {
  const t = useT(COURIER_EN);
  if (entries.length === 0) return null;
  return (
    <section aria-label={t('待发送')}>
      <div className="kd-section-title">
        {t('待发送')} ({entries.length}) · <span className="kd-muted">{t('待发送的快递会自动重发，请勿重复录入')}</span>
      </div>
      <List mode="card">
        {entries.map((e) => (
          <List.Item
            key={e.key}
            data-testid="pending-entry"
            description={
              <>
                {e.communityName} · {e.body.recipientName} {e.body.recipientPhone}
                {e.state === 'failed' && e.error && <div className="kd-warn">{e.error}</div>}
              </>
            }
            extra={
              <span className="kd-pending-actions">
                <Button size="small" className="kd-tap" disabled={e.state === 'sending'} onClick={() => void outbox.send(e.key)}>
                  {t('重发')}
                </Button>
                {e.state === 'failed' && (
                  <Button size="small" color="danger" fill="outline" className="kd-tap" onClick={() => outbox.remove(e.key)}>
                    {t('删除')}
                  </Button>
                )}
              </span>
            }
          >
            {e.body.trackingNo} <span className="kd-muted">{t(STATE_LABEL[e.state])}</span>
          </List.Item>
        ))}
      </List>
    </section>
  );
}
