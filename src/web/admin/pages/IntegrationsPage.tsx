import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Checkbox,
  Drawer,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { ApiKey, ApiKeyCreated, Webhook, WebhookAttempt, WebhookCreatedResult, WebhookDelivery } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useFeedback, useLoad, usePagedList } from '../common.js';
import { FormModal } from '../FormModal.js';
import { fullTime, shortTime } from './org/format.js';

const EN = {
  开放接口: 'Open API',
  '快递公司、快递柜和物业系统用 API 密钥推送预报（单号 → 手机号）、查询包裹；回调地址在包裹入库、领取、拒收时收到签名通知。':
    'Carriers, lockers and property systems push pre-advice (tracking number → phone) and read parcels with an API key; webhooks hear when a parcel is received, picked up or rejected, signed.',
  'API 密钥': 'API keys',
  回调地址: 'Webhooks',
  创建密钥: 'New key',
  名称: 'Name',
  密钥: 'Key',
  权限: 'Scopes',
  创建时间: 'Created',
  最近使用: 'Last used',
  状态: 'Status',
  操作: 'Actions',
  有效: 'Active',
  已撤销: 'Revoked',
  撤销: 'Revoke',
  '撤销{name}？': 'Revoke {name}?',
  '撤销后，使用该密钥的调用立即被拒绝（401），不能恢复。': 'Calls with this key are refused (401) at once; this cannot be undone.',
  已撤销密钥: 'Key revoked',
  推送预报: 'Push pre-advice',
  查询包裹: 'Read parcels',
  '（回调中显示完整手机号）': ' (full phones in its webhooks)',
  从未使用: 'Never',
  请填写名称: 'Enter a name',
  请至少选择一项: 'Choose at least one',
  '密钥只显示这一次，请立即复制并妥善保存；丢失后请撤销并重新创建。':
    'The key is shown only now: copy it and keep it safe. If it is lost, revoke it and create another.',
  '签名密钥只显示这一次，接收方用它校验 X-Kuaidi-Signature。': 'The signing secret is shown only now; the receiver checks X-Kuaidi-Signature with it.',
  我已保存: 'I have saved it',
  添加回调: 'New webhook',
  地址: 'URL',
  事件: 'Events',
  代表的密钥: 'Acts for key',
  '不选：回调中的手机号只显示后4位': 'None: phones in the body show their last 4 digits only',
  '须为 https 公网地址': 'A public https address',
  请填写地址: 'Enter the URL',
  投递记录: 'Deliveries',
  删除: 'Delete',
  '删除该回调？': 'Delete this webhook?',
  '不再向该地址发送通知，投递记录一并删除。': 'Nothing more is sent to it; its delivery log is deleted too.',
  已删除: 'Deleted',
  '投递记录：{url}': 'Deliveries: {url}',
  时间: 'Time',
  事件ID: 'Event id',
  尝试: 'Attempts',
  最近响应: 'Last answer',
  待投递: 'Queued',
  已送达: 'Delivered',
  投递失败: 'Failed',
  重发: 'Resend',
  已重新加入投递队列: 'Queued to be sent again',
  '下次尝试 {at}': 'Next try {at}',
  '送达于 {at}': 'Delivered {at}',
  暂无投递: 'No deliveries',
  暂无密钥: 'No keys',
  暂无回调: 'No webhooks',
  每次尝试: 'Attempts',
  耗时: 'Took',
  刷新: 'Refresh',
  包裹入库: 'Parcel received',
  包裹领取: 'Parcel picked up',
  包裹拒收: 'Parcel rejected',
  包裹退回: 'Parcel returned',
  问题件: 'Parcel flagged',
} as const;

const SCOPES = [
  { value: 'pre_advice:write', label: '推送预报' },
  { value: 'parcels:read', label: '查询包裹' },
] as const;
const EVENTS = [
  { value: 'parcel.received', label: '包裹入库' },
  { value: 'parcel.picked_up', label: '包裹领取' },
  { value: 'parcel.rejected', label: '包裹拒收' },
  { value: 'parcel.returned', label: '包裹退回' },
  { value: 'parcel.exception', label: '问题件' },
] as const;
const labelOf = (list: readonly { value: string; label: string }[], v: string) => list.find((x) => x.value === v)?.label ?? v;

type T = ReturnType<typeof useT>;

/** The key or secret just created, shown once, with a copy button. */
function ShownOnce(props: { title: string; warning: string; value: string; onClose: () => void; t: T }): ReactNode {
  return (
    <Modal
      open
      title={props.title}
      closable={false}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={props.onClose}>
          {props.t('我已保存')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={props.warning} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable code data-testid="shown-once" style={{ wordBreak: 'break-all' }}>
        {props.value}
      </Typography.Paragraph>
    </Modal>
  );
}

function KeysTab({ t }: { t: T }): ReactNode {
  const { data, loading, reload } = useLoad(() => api.get<{ items: ApiKey[] }>('/api/integrations/keys'), []);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [form] = Form.useForm<{ name: string; scopes: string[] }>();
  const { ok, fail } = useFeedback();

  const revoke = async (k: ApiKey) => {
    try {
      await api.del(`/api/integrations/keys/${k.id}`);
      ok(t('已撤销密钥'));
      reload();
    } catch (err) {
      fail(err);
    }
  };
  const columns: TableColumnsType<ApiKey> = [
    { title: t('名称'), dataIndex: 'name', key: 'name' },
    { title: t('密钥'), dataIndex: 'prefix', key: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
    {
      title: t('权限'),
      dataIndex: 'scopes',
      key: 'scopes',
      render: (scopes: string[]) => scopes.map((s) => <Tag key={s}>{t(labelOf(SCOPES, s))}</Tag>),
    },
    {
      title: t('创建时间'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 120,
      render: (at: string) => <Tooltip title={fullTime(at)}>{shortTime(at)}</Tooltip>,
    },
    { title: t('最近使用'), dataIndex: 'lastUsedAt', key: 'lastUsedAt', width: 120, render: (at: string | null) => (at ? shortTime(at) : t('从未使用')) },
    {
      title: t('状态'),
      key: 'status',
      width: 90,
      render: (_, k) => (k.revokedAt ? <Tag>{t('已撤销')}</Tag> : <Tag color="success">{t('有效')}</Tag>),
    },
    {
      title: t('操作'),
      key: 'actions',
      width: 90,
      render: (_, k) =>
        k.revokedAt ? null : (
          <Popconfirm
            title={t('撤销{name}？', { name: k.name })}
            description={t('撤销后，使用该密钥的调用立即被拒绝（401），不能恢复。')}
            okText={t('撤销')}
            cancelText={t('取消')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke(k)}
          >
            <Button type="link" size="small" danger style={{ padding: 0 }}>
              {t('撤销')}
            </Button>
          </Popconfirm>
        ),
    },
  ];
  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('创建密钥')}
        </Button>
      </Flex>
      <Table<ApiKey> rowKey="id" columns={columns} dataSource={data?.items} loading={loading} locale={{ emptyText: t('暂无密钥') }} pagination={false} />
      {adding && (
        <FormModal<{ name: string; scopes: string[] }>
          title={t('创建密钥')}
          open={adding}
          form={form}
          initialValues={{ scopes: ['pre_advice:write'] }}
          onSubmit={async (values) => {
            const k = await api.post<ApiKeyCreated>('/api/integrations/keys', values);
            setAdding(false);
            setCreated(k);
            reload();
          }}
          onCancel={() => setAdding(false)}
          onClosed={() => form.resetFields()}
        >
          <Form.Item label={t('名称')} name="name" rules={[{ required: true, whitespace: true, message: t('请填写名称') }]}>
            <Input maxLength={50} autoFocus placeholder="中通快递对接" />
          </Form.Item>
          <Form.Item label={t('权限')} name="scopes" rules={[{ required: true, message: t('请至少选择一项') }]}>
            <Checkbox.Group
              options={SCOPES.map((s) => ({ value: s.value, label: `${t(s.label)}${s.value === 'parcels:read' ? t('（回调中显示完整手机号）') : ''}` }))}
            />
          </Form.Item>
        </FormModal>
      )}
      {created && (
        <ShownOnce
          t={t}
          title={created.name}
          warning={t('密钥只显示这一次，请立即复制并妥善保存；丢失后请撤销并重新创建。')}
          value={created.key}
          onClose={() => setCreated(null)}
        />
      )}
    </>
  );
}

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

function WebhooksTab({ t }: { t: T }): ReactNode {
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

/** 开放接口 (admins): API keys for carriers and other systems, and webhook subscriptions with their delivery log. */
export default function IntegrationsPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  return (
    <>
      <div style={{ marginBottom: 8 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('开放接口')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('快递公司、快递柜和物业系统用 API 密钥推送预报（单号 → 手机号）、查询包裹；回调地址在包裹入库、领取、拒收时收到签名通知。')}
        </Typography.Text>
      </div>
      <Tabs
        items={[
          { key: 'keys', label: t('API 密钥'), children: <KeysTab t={t} /> },
          { key: 'webhooks', label: t('回调地址'), children: <WebhooksTab t={t} /> },
        ]}
      />
    </>
  );
}
