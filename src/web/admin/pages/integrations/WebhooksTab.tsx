import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Checkbox, Drawer, Flex, Form, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { ApiKey, Webhook, WebhookAttempt, WebhookCreatedResult, WebhookDelivery } from '../../../api-types.js';
import { useFeedback, useLoad, usePagedList } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { fullTime, shortTime } from '../org/format.js';
import { EVENTS, labelOf, type T } from './en.js';
import { ShownOnce } from './ShownOnce.js';

const DELIVERY_STATUS: Record<WebhookDelivery['status'], { label: string; color: string }> = {
  queued: { label: '待投递', color: 'processing' },
  delivered: { label: '已送达', color: 'success' },
  failed: { label: '投递失败', color: 'error' },
};

function Attempts({ hookId, deliveryId, t }: { hookId: number; deliveryId: number; t: T }): ReactNode {
  const { data, loading } = useLoad(
    () => api.get<{ items: WebhookAttempt[] }>(`/api/webhooks/${hookId}/deliveries/${deliveryId}/attempts`),
    [hookId, deliveryId],
  );
  return (
    <Table<WebhookAttempt>
      size="small"
      rowKey="at"
      loading={loading}
      dataSource={data?.items}
      pagination={false}
      columns={[
        { title: t('时间'), dataIndex: 'at', key: 'at', render: (at: string) => fullTime(at) },
        { title: t('最近响应'), key: 'answer', render: (_, a) => (a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? '')) },
        { title: t('耗时'), dataIndex: 'durationMs', key: 'durationMs', render: (ms: number) => `${ms} ms` },
      ]}
    />
  );
}

function DeliveriesDrawer({ hook, onClose, t }: { hook: Webhook; onClose: () => void; t: T }): ReactNode {
  const list = usePagedList<WebhookDelivery>((page, pageSize) => api.get(`/api/webhooks/${hook.id}/deliveries`, { page, pageSize }), String(hook.id));
  const { ok, fail } = useFeedback();
  const [busy, setBusy] = useState<number | null>(null);
  const resend = async (d: WebhookDelivery) => {
    setBusy(d.id);
    try {
      await api.post(`/api/webhooks/${hook.id}/deliveries/${d.id}/resend`);
      ok(t('已重新加入投递队列'));
      list.reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };
  const columns: TableColumnsType<WebhookDelivery> = [
    { title: t('时间'), dataIndex: 'at', key: 'at', width: 110, render: (at: string) => <Tooltip title={fullTime(at)}>{shortTime(at)}</Tooltip> },
    { title: t('事件'), dataIndex: 'type', key: 'type', width: 100, render: (type: string) => t(labelOf(EVENTS, type)) },
    { title: t('事件ID'), dataIndex: 'eventId', key: 'eventId', width: 110, render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
    {
      title: t('状态'),
      key: 'status',
      render: (_, d) => (
        <Space orientation="vertical" size={2}>
          <Space size={4}>
            <Tag color={DELIVERY_STATUS[d.status].color} style={{ marginInlineEnd: 0 }}>
              {t(DELIVERY_STATUS[d.status].label)}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('尝试')} {d.attempts}
            </Typography.Text>
          </Space>
          {d.deliveredAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('送达于 {at}', { at: shortTime(d.deliveredAt) })}
            </Typography.Text>
          )}
          {d.nextAttemptAt && d.attempts > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('下次尝试 {at}', { at: shortTime(d.nextAttemptAt) })}
            </Typography.Text>
          )}
          {d.status !== 'delivered' && (d.lastError || d.lastStatusCode) && (
            <Typography.Text type="danger" style={{ fontSize: 12 }}>
              {d.lastError ?? `HTTP ${d.lastStatusCode}`}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('操作'),
      key: 'actions',
      width: 70,
      render: (_, d) => (
        <Button type="link" size="small" style={{ padding: 0 }} loading={busy === d.id} onClick={() => void resend(d)}>
          {t('重发')}
        </Button>
      ),
    },
  ];
  return (
    <Drawer
      open
      width={760}
      title={t('投递记录：{url}', { url: hook.url })}
      onClose={onClose}
      extra={<Button icon={<ReloadOutlined />} onClick={list.reload} aria-label={t('刷新')} />}
    >
      <Table<WebhookDelivery>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        locale={{ emptyText: t('暂无投递') }}
        expandable={{ expandedRowRender: (d) => <Attempts hookId={hook.id} deliveryId={d.id} t={t} /> }}
        pagination={{ current: list.page, pageSize: list.pageSize, total: list.total, onChange: (page, pageSize) => list.setPage(page, pageSize) }}
      />
    </Drawer>
  );
}

/** 回调地址: subscriptions (the secret shown once), deleting one, and each one's 投递记录 with 重发. */
export function WebhooksTab({ t }: { t: T }): ReactNode {
  const hooks = useLoad(() => api.get<{ items: Webhook[] }>('/api/webhooks'), []);
  const keys = useLoad(() => api.get<{ items: ApiKey[] }>('/api/integrations/keys'), []);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<WebhookCreatedResult | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const [form] = Form.useForm<{ url: string; events: string[]; apiKeyId?: number }>();
  const { ok, fail } = useFeedback();
  const keyName = (id: number | null) => keys.data?.items.find((k) => k.id === id)?.name ?? (id === null ? '–' : `#${id}`);

  const remove = async (h: Webhook) => {
    try {
      await api.del(`/api/webhooks/${h.id}`);
      ok(t('已删除'));
      hooks.reload();
    } catch (err) {
      fail(err);
    }
  };
  const columns: TableColumnsType<Webhook> = [
    { title: t('地址'), dataIndex: 'url', key: 'url', render: (url: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{url}</Typography.Text> },
    { title: t('事件'), dataIndex: 'events', key: 'events', render: (events: string[]) => events.map((e) => <Tag key={e}>{t(labelOf(EVENTS, e))}</Tag>) },
    { title: t('代表的密钥'), dataIndex: 'apiKeyId', key: 'apiKeyId', width: 120, render: (id: number | null) => keyName(id) },
    { title: t('创建时间'), dataIndex: 'createdAt', key: 'createdAt', width: 110, render: (at: string) => shortTime(at) },
    {
      title: t('操作'),
      key: 'actions',
      width: 150,
      render: (_, h) => (
        <Space>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setViewing(h)}>
            {t('投递记录')}
          </Button>
          <Popconfirm
            title={t('删除该回调？')}
            description={t('不再向该地址发送通知，投递记录一并删除。')}
            okText={t('删除')}
            cancelText={t('取消')}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove(h)}
          >
            <Button type="link" size="small" danger style={{ padding: 0 }}>
              {t('删除')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('添加回调')}
        </Button>
      </Flex>
      <Table<Webhook>
        rowKey="id"
        columns={columns}
        dataSource={hooks.data?.items}
        loading={hooks.loading}
        locale={{ emptyText: t('暂无回调') }}
        pagination={false}
      />
      {adding && (
        <FormModal<{ url: string; events: string[]; apiKeyId?: number }>
          title={t('添加回调')}
          open={adding}
          form={form}
          labelWidth={100}
          initialValues={{ events: ['parcel.received', 'parcel.picked_up', 'parcel.rejected'] }}
          onSubmit={async (values) => {
            const h = await api.post<WebhookCreatedResult>('/api/webhooks', values);
            setAdding(false);
            setCreated(h);
            hooks.reload();
          }}
          onCancel={() => setAdding(false)}
          onClosed={() => form.resetFields()}
        >
          <Form.Item label={t('地址')} name="url" extra={t('须为 https 公网地址')} rules={[{ required: true, whitespace: true, message: t('请填写地址') }]}>
            <Input maxLength={500} autoFocus placeholder="https://example.com/kuaidi/webhook" />
          </Form.Item>
          <Form.Item label={t('事件')} name="events" rules={[{ required: true, message: t('请至少选择一项') }]}>
            <Checkbox.Group options={EVENTS.map((e) => ({ value: e.value, label: t(e.label) }))} />
          </Form.Item>
          <Form.Item label={t('代表的密钥')} name="apiKeyId" extra={t('不选：回调中的手机号只显示后4位')}>
            <Select allowClear options={(keys.data?.items ?? []).filter((k) => !k.revokedAt).map((k) => ({ value: k.id, label: k.name }))} />
          </Form.Item>
        </FormModal>
      )}
      {created && (
        <ShownOnce
          t={t}
          title={created.url}
          warning={t('签名密钥只显示这一次，接收方用它校验 X-Kuaidi-Signature。')}
          value={created.secret}
          onClose={() => setCreated(null)}
        />
      )}
      {viewing && <DeliveriesDrawer hook={viewing} t={t} onClose={() => setViewing(null)} />}
    </>
  );
}
