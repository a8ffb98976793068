import { PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Form, Input, Popconfirm, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { ApiKey, ApiKeyCreated } from '../../../api-types.js';
import { useFeedback, useLoad } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { fullTime, shortTime } from '../org/format.js';
import { labelOf, SCOPES, type T } from './en.js';
import { ShownOnce } from './ShownOnce.js';

/** API 密钥: the org's keys; a new one is shown once; 撤销. */
export function KeysTab({ t }: { t: T }): ReactNode {
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
      render: (scopes: string[], k: ApiKey) => (
        <>
          {scopes.map((s) => (
            <Tag key={s}>{t(labelOf(SCOPES, s))}</Tag>
          ))}
          {k.phoneSalt && (
            <div>
              <Typography.Text type="secondary">{t('手机号哈希盐（SHA-256(盐+手机号)）')}</Typography.Text>{' '}
              <Typography.Text code copyable>
                {k.phoneSalt}
              </Typography.Text>
            </div>
          )}
        </>
      ),
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
