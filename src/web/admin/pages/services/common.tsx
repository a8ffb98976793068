// What the 送货上门 and 代寄 screens share: the state tabs and community in the address, the
// screen's header, how a payment stands, and a phone photo made small enough to upload.
import { Button, Flex, Select, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { Community, Payment } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { ListTabs, type TabItem } from '../parcels/ListTabs.js';
import './services.css';

/** The tab (a state, or all) and the community of a list, kept in the address. */
export function useStateTab<K extends string>(keys: readonly K[], fallback: K) {
  const [params, setParams] = useSearchParams();
  const tab = keys.find((k) => k === params.get('tab')) ?? fallback;
  const communityId = Number(params.get('communityId')) || undefined;
  const change = (next: { tab?: K; communityId?: number | undefined }) => {
    const p = new URLSearchParams(params);
    if (next.tab !== undefined) p.set('tab', next.tab);
    if ('communityId' in next) {
      if (next.communityId) p.set('communityId', String(next.communityId));
      else p.delete('communityId');
    }
    setParams(p, { replace: true });
  };
  return { tab, communityId, change };
}

/** The title, what the screen is for, the community filter (with several) and 刷新. */
export function ServiceHeader(props: {
  t: T;
  title: string;
  intro: string;
  communities: Community[];
  communityId: number | undefined;
  onCommunity: (id: number | undefined) => void;
  onRefresh: () => void;
}): ReactNode {
  const { t } = props;
  return (
    <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
      <div style={{ minWidth: 0, flex: '1 1 320px' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        <Typography.Text type="secondary">{props.intro}</Typography.Text>
      </div>
      <Flex gap={8} wrap>
        {props.communities.length > 1 && (
          <Select<number | 0>
            aria-label={t('小区')}
            style={{ minWidth: 160 }}
            value={props.communityId ?? 0}
            onChange={(v) => props.onCommunity(v || undefined)}
            options={[{ value: 0, label: t('全部小区') }, ...props.communities.map((c) => ({ value: c.id, label: c.name }))]}
          />
        )}
        <Button icon={<ReloadOutlined />} onClick={props.onRefresh}>
          {t('刷新')}
        </Button>
      </Flex>
    </Flex>
  );
}

/** The state tabs, in 快递记录's look, that stay on one line on a phone. */
export function StateTabs<K extends string>(props: { items: TabItem<K>[]; active: K; onChange: (key: K) => void }): ReactNode {
  return (
    <div className="kd-service-tabs">
      <ListTabs<K> {...props} />
    </div>
  );
}

/** How an order's money stands, for the desk: 已支付, 已退款 / 退款中 / 退款异常 once cancelled, else null. */
export function paymentLabel(payment: Payment | null): { text: string; color: string } | null {
  if (!payment) return null;
  if (payment.status === 'refunded')
    return payment.refundStatus === 'success'
      ? { text: '已退款', color: 'default' }
      : payment.refundStatus === 'processing'
        ? { text: '退款中', color: 'orange' }
        : { text: '退款异常', color: 'red' };
  if (payment.status === 'paid')
    return payment.refundStatus === 'closed' || payment.refundStatus === 'abnormal' ? { text: '退款异常', color: 'red' } : { text: '已支付', color: 'green' };
  return null;
}

/** The API's limit of a proof image (PROOF_MAX_BYTES in the server's proofs module). */
const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
/** The longest side a photo keeps once made smaller: enough to read a door number. */
const MAX_SIDE = 1600;

/**
 * A photo as the API takes it (JPEG or PNG, at most 2 MB): as taken when it already is, else drawn
 * smaller as a JPEG (a phone's camera takes 4–12 MB, or HEIC). Null when the browser cannot read it.
 */
export async function uploadablePhoto(file: File): Promise<File | null> {
  if ((file.type === 'image/jpeg' || file.type === 'image/png') && file.size <= MAX_PHOTO_BYTES) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob && blob.size <= MAX_PHOTO_BYTES ? new File([blob], 'delivered.jpg', { type: 'image/jpeg' }) : null;
  } catch {
    return null;
  }
}
