// 货架管理 (SPEC.md §14): the shelves of a community's collection point, with how full each is.
// Intake puts a parcel on the chosen or the emptiest shelf; a shelf holding parcels cannot be
// deleted. A community without shelves works as before (no shelf label).
import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Form, InputNumber, Input, Popconfirm, Progress, Table, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { Shelf } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { SHELF_LIMITS } from '../../../shared/constants.js';
import { FormModal } from '../FormModal.js';
import { COMMON_EN, useFeedback } from '../common.js';
import { STATION_EN } from './IntakePage.js';
import { CommunitySelect } from './station/CommunitySelect.js';
import { useDeskCommunity, useShelves } from './station/useStation.js';

const EN = {
  货架编号: 'Code',
  层数: 'Layers',
  容量: 'Capacity (parcels)',
  占用: 'Occupied',
  操作: 'Actions',
  添加货架: 'Add a shelf',
  修改货架: 'Edit shelf',
  '确认删除货架 {code}？': 'Delete shelf {code}?',
  暂无货架: 'No shelves yet',
  '货架编号为1到4位字母或数字，如 A、B2': '1 to 4 letters or digits, such as A or B2',
  '入库时包裹放在所选或最空的货架上，货架号如 A-3-0127（货架-层-当日序号）印在标签上、写进短信。':
    'Intake puts each parcel on the chosen or the emptiest shelf; its label, such as A-3-0127 (shelf-layer-serial of the day), is printed and sent in the SMS.',
} as const;

interface ShelfValues {
  code: string;
  layers: number;
  capacity: number;
}

/** The 货架管理 screen: a community's shelves with occupancy; add, edit, delete. */
export default function ShelvesPage(): ReactNode {
  const t = useT(EN, STATION_EN, COMMON_EN);
  const { communities, community, setCommunityId } = useDeskCommunity();
  const { shelves, loading, reload } = useShelves(community?.id);
  const [editing, setEditing] = useState<{ shelf?: Shelf; open: boolean } | null>(null);
  const [form] = Form.useForm<ShelfValues>();
  const feedback = useFeedback();

  const save = async (v: ShelfValues) => {
    if (editing?.shelf) await api.patch<Shelf>(`/api/shelves/${editing.shelf.id}`, v);
    else await api.post<Shelf>(`/api/communities/${community?.id}/shelves`, v);
    feedback.ok(t('操作成功'));
    setEditing((e) => (e ? { ...e, open: false } : e));
    reload();
  };
  const remove = async (s: Shelf) => {
    try {
      await api.del(`/api/shelves/${s.id}`);
      feedback.ok(t('操作成功'));
      reload();
    } catch (err) {
      feedback.fail(err);
    }
  };

  const columns: TableColumnsType<Shelf> = [
    { title: t('货架编号'), dataIndex: 'code', key: 'code', render: (c: string) => <strong>{c}</strong> },
    { title: t('层数'), dataIndex: 'layers', key: 'layers', width: 90 },
    { title: t('容量'), dataIndex: 'capacity', key: 'capacity', width: 110 },
    {
      title: t('占用'),
      key: 'occupied',
      render: (_: unknown, s: Shelf) => {
        const room = s.capacity;
        return (
          <Flex gap={8} align="center" data-testid={`shelf-occupied-${s.code}`}>
            <Progress percent={Math.round((s.occupied / room) * 100)} size="small" style={{ width: 120, margin: 0 }} showInfo={false} />
            <span>
              {s.occupied} / {room}
            </span>
          </Flex>
        );
      },
    },
    {
      title: t('操作'),
      key: 'actions',
      width: 140,
      render: (_: unknown, s: Shelf) => (
        <Flex gap={8}>
          <Button type="link" style={{ padding: 0 }} onClick={() => setEditing({ shelf: s, open: true })}>
            {t('修改')}
          </Button>
          <Popconfirm title={t('确认删除货架 {code}？', { code: s.code })} okText={t('确认')} cancelText={t('取消')} onConfirm={() => remove(s)}>
            <Button type="link" danger style={{ padding: 0 }}>
              {t('删除')}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  return (
    <div>
      <Flex wrap gap={8} align="center" justify="space-between" style={{ marginBottom: 12 }}>
        <CommunitySelect label={t('小区')} communities={communities} value={community?.id} onChange={(id: number) => setCommunityId(id)} />
        <Button type="primary" icon={<PlusOutlined />} disabled={!community} onClick={() => setEditing({ open: true })}>
          {t('添加货架')}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary">
        {t('入库时包裹放在所选或最空的货架上，货架号如 A-3-0127（货架-层-当日序号）印在标签上、写进短信。')}
      </Typography.Paragraph>
      <Table
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={shelves}
        pagination={false}
        locale={{ emptyText: t('暂无货架') }}
        scroll={{ x: 520 }}
      />
      {editing && (
        <FormModal<ShelfValues>
          title={t(editing.shelf ? '修改货架' : '添加货架')}
          open={editing.open}
          form={form}
          initialValues={editing.shelf ?? { layers: 5, capacity: 200 }}
          onSubmit={save}
          onCancel={() => setEditing({ ...editing, open: false })}
          onClosed={() => {
            form.resetFields();
            setEditing(null);
          }}
        >
          <Form.Item
            name="code"
            label={t('货架编号')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9]{1,4}$/, message: t('货架编号为1到4位字母或数字，如 A、B2') }]}
          >
            <Input autoFocus maxLength={4} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="layers" label={t('层数')} rules={[{ required: true }]}>
            <InputNumber min={1} max={SHELF_LIMITS.maxLayers} precision={0} />
          </Form.Item>
          <Form.Item name="capacity" label={t('容量')} rules={[{ required: true }]}>
            <InputNumber min={1} max={SHELF_LIMITS.maxCapacity} precision={0} />
          </Form.Item>
        </FormModal>
      )}
    </div>
  );
}
