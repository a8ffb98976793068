import { ReloadOutlined } from '@ant-design/icons';
import { Button, Flex, Radio, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { Notification, Page } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useFeedback, usePagedList } from '../common.js';
import { fullTime, shortTime } from './org/format.js';

const EN = {
  时间: 'Time',
  类型: 'Kind',
  渠道: 'Channel',
  接收人: 'To',
  内容: 'Text',
  状态: 'Status',
  操作: 'Actions',
  全部: 'All',
  到件通知: 'Arrival notice',
  催取提醒: 'Pickup reminder',
  退件通知: 'Return notice',
  滞留提醒: 'Stale notice',
  待取回: 'Due back',
  拒收提醒: 'Rejection notice',
  短信: 'SMS',
  微信: 'WeChat',
  待发送: 'Queued',
  已发送: 'Sent',
  发送失败: 'Failed',
  已达上限: 'Capped',
  重新发送: 'Resend',
  刷新: 'Refresh',
  '已尝试{n}次': 'Attempts: {n}',
  '下次尝试 {at}': 'Next try {at}',
  '发送于 {at}': 'Sent {at}',
  已重新加入发送队列: 'Queued to be sent again',
  '发给住户和快递员的短信与微信消息；发送失败的可以重新发送。': 'SMS and WeChat messages to residents and couriers; failed ones can be sent again.',
  暂无通知: 'No notifications',
  '每个手机号每小时最多{h}条、每天最多{d}条短信（防短信轰炸），超出的为“已达上限”。':
    'At most {h} SMS an hour and {d} a day to one phone (against SMS pumping); more are “Capped”.',
} as const;

type Status = Notification['status'];
const STATUS: Record<Status, { label: string; color: string }> = {
  queued: { label: '待发送', color: 'processing' },
  sent: { label: '已发送', color: 'success' },
  failed: { label: '发送失败', color: 'error' },
  capped: { label: '已达上限', color: 'warning' },
};
const KIND: Record<Notification['kind'], string> = {
  parcel_received: '到件通知',
  parcel_rejected: '拒收提醒',
  pickup_reminder: '催取提醒',
  parcel_returned: '退件通知',
  parcel_stale: '滞留提醒',
  parcel_due_back: '待取回',
};
const CHANNEL: Record<Notification['channel'], string> = { sms: '短信', wechat: '微信' };

/** 通知记录 (admins): the outbox, paged on the server, filtered by status; failed messages can be sent again. */
export default function NotificationsPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  const [status, setStatus] = useState<Status | ''>('');
  const [retrying, setRetrying] = useState<number | null>(null);
  const { ok, fail } = useFeedback();
  const [caps, setCaps] = useState<{ perHour: number; perDay: number } | null>(null);
  const list = usePagedList<Notification>(
    (page, pageSize) =>
      api.get<Page<Notification> & { smsCaps: { perHour: number; perDay: number } }>('/api/notifications', { status, page, pageSize }).then((r) => {
        setCaps(r.smsCaps);
        return r;
      }),
    status,
  );

  const retry = async (n: Notification) => {
    setRetrying(n.id);
    try {
      await api.post<Notification>(`/api/notifications/${n.id}/retry`);
      ok(t('已重新加入发送队列'));
      list.reload();
    } catch (err) {
      fail(err);
    } finally {
      setRetrying(null);
    }
  };

  const columns: TableColumnsType<Notification> = [
    { title: t('时间'), dataIndex: 'createdAt', key: 'createdAt', width: 110, render: (at: string) => <Tooltip title={fullTime(at)}>{shortTime(at)}</Tooltip> },
    { title: t('类型'), dataIndex: 'kind', key: 'kind', width: 100, render: (k: Notification['kind']) => t(KIND[k]) },
    { title: t('渠道'), dataIndex: 'channel', key: 'channel', width: 80, render: (c: Notification['channel']) => t(CHANNEL[c]) },
    { title: t('接收人'), dataIndex: 'to', key: 'to', width: 130 },
    { title: t('内容'), dataIndex: 'text', key: 'text', render: (text: string) => <Typography.Text style={{ fontSize: 13 }}>{text}</Typography.Text> },
    {
      title: t('状态'),
      key: 'status',
      width: 220,
      render: (_, n) => (
        <Space orientation="vertical" size={2}>
          <Space size={4}>
            <Tag color={STATUS[n.status].color} style={{ marginInlineEnd: 0 }}>
              {t(STATUS[n.status].label)}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('已尝试{n}次', { n: n.attempts })}
            </Typography.Text>
          </Space>
          {n.status === 'sent' && n.sentAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('发送于 {at}', { at: shortTime(n.sentAt) })}
            </Typography.Text>
          )}
          {n.status === 'queued' && n.nextAttemptAt && n.attempts > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('下次尝试 {at}', { at: shortTime(n.nextAttemptAt) })}
            </Typography.Text>
          )}
          {n.lastError && n.status !== 'sent' && (
            <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="last-error">
              {n.lastError}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('操作'),
      key: 'actions',
      width: 100,
      render: (_, n) =>
        n.status === 'failed' || n.status === 'capped' ? (
          <Button type="link" size="small" style={{ padding: 0 }} loading={retrying === n.id} onClick={() => void retry(n)}>
            {t('重新发送')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('通知记录')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('发给住户和快递员的短信与微信消息；发送失败的可以重新发送。')}</Typography.Text>
        {caps && (
          <Typography.Text type="secondary" data-testid="sms-caps">
            {' '}
            {t('每个手机号每小时最多{h}条、每天最多{d}条短信（防短信轰炸），超出的为“已达上限”。', { h: caps.perHour, d: caps.perDay })}
          </Typography.Text>
        )}
      </div>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Radio.Group
          optionType="button"
          value={status}
          onChange={(e) => setStatus(e.target.value as Status | '')}
          options={[
            { label: t('全部'), value: '' },
            { label: t('待发送'), value: 'queued' },
            { label: t('已发送'), value: 'sent' },
            { label: t('发送失败'), value: 'failed' },
            { label: t('已达上限'), value: 'capped' },
          ]}
        />
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          {t('刷新')}
        </Button>
      </Flex>
      <Table<Notification>
        rowKey="id"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        locale={{ emptyText: t('暂无通知') }}
        pagination={{
          current: list.page,
          pageSize: list.pageSize,
          total: list.total,
          showSizeChanger: true,
          showTotal: (total) => t('共 {total} 条', { total }),
          onChange: (page, pageSize) => list.setPage(page, pageSize),
        }}
      />
    </>
  );
}
