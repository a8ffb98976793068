import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Switch, Table, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { Community } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { formatFen, formatRatePerDay } from '../../../shared/fee.js';
import { COMMON_EN, useCommunities, useFeedback } from '../common.js';
import { useSession } from '../session.js';
import { ADD_COMMUNITY_EN, AddCommunityModal } from './org/AddCommunityModal.js';
import { DOOR_DELIVERY_EN } from './org/DoorDeliveryFields.js';
import { FeeSettingsModal } from './org/FeeSettingsModal.js';

const EN = {
  小区: 'Community',
  代收点: 'Collection point',
  保管费: 'Custody fee',
  操作: 'Actions',
  '展示全部物业下管理的小区，保管费按天计收。': 'Every community the property company manages; the custody fee is charged by the day.',
  '你负责的小区及其保管费。': 'The communities you serve and their custody fees.',
  仅物业管理员可以修改代收设置: 'Only property admins can change these settings',
  暂无小区: 'No communities yet',
  催取提醒: 'Pickup reminders',
  已开启催取提醒: 'Pickup reminders on',
  已关闭催取提醒: 'Pickup reminders off',
  每天提醒超过24小时未领取的住户: 'Daily, to residents whose parcels waited over 24 hours',
  送货上门: 'Door delivery',
} as const;

/** 代收设置: every community with its collection point and fee; admins edit them and add communities. */
export default function SettingsPage(): ReactNode {
  const t = useT(EN, ADD_COMMUNITY_EN, DOOR_DELIVERY_EN, COMMON_EN);
  const { isAdmin } = useSession();
  const { communities, loading, reload } = useCommunities();
  // The modal stays mounted while it closes (its animation), so `open` and the community are apart.
  const [editing, setEditing] = useState<{ community: Community; open: boolean } | null>(null);
  const [adding, setAdding] = useState<{ open: boolean } | null>(null);
  const [switching, setSwitching] = useState<number | null>(null);
  const feedback = useFeedback();

  async function setReminders(c: Community, on: boolean) {
    setSwitching(c.id);
    try {
      await api.patch<Community>(`/api/communities/${c.id}`, { remindersEnabled: on });
      feedback.ok(t(on ? '已开启催取提醒' : '已关闭催取提醒'));
      reload();
    } catch (err) {
      feedback.fail(err);
    } finally {
      setSwitching(null);
    }
  }

  const columns: TableColumnsType<Community> = [
    { title: t('小区'), dataIndex: 'name', key: 'name' },
    { title: t('代收点'), dataIndex: 'collectionPointName', key: 'collectionPointName' },
    // 元/天 stays as the guide writes it; it reads as a unit in either language.
    { title: t('保管费'), dataIndex: 'feeRateFen', key: 'feeRateFen', render: (fen: number) => formatRatePerDay(fen) },
    {
      title: t('送货上门'),
      key: 'doorDelivery',
      render: (_: unknown, c: Community) =>
        c.doorDeliveryFen > 0 ? (
          <span>
            {t('{price}/件', { price: formatFen(c.doorDeliveryFen) })}
            {c.doorDeliveryHours && <Typography.Text type="secondary">{` ${c.doorDeliveryHours}`}</Typography.Text>}
          </span>
        ) : (
          <Typography.Text type="secondary">{t('未开通')}</Typography.Text>
        ),
    },
    {
      title: <span title={t('每天提醒超过24小时未领取的住户')}>{t('催取提醒')}</span>,
      key: 'reminders',
      width: 120,
      render: (_: unknown, c: Community) => (
        <Switch
          size="small"
          checked={c.remindersEnabled}
          disabled={!isAdmin}
          loading={switching === c.id}
          aria-label={`${c.name} ${t('催取提醒')}`}
          onChange={(on) => void setReminders(c, on)}
        />
      ),
    },
    ...(isAdmin
      ? [
          {
            title: t('操作'),
            key: 'actions',
            width: 120,
            render: (_: unknown, c: Community) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => setEditing({ community: c, open: true })}>
                {t('修改')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('代收设置')}
          </Typography.Title>
          <Typography.Text type="secondary">{t(isAdmin ? '展示全部物业下管理的小区，保管费按天计收。' : '你负责的小区及其保管费。')}</Typography.Text>
        </div>
        {isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding({ open: true })}>
            {t('添加小区')}
          </Button>
        )}
      </Flex>
      {!isAdmin && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('仅物业管理员可以修改代收设置')} />}
      <Table<Community>
        rowKey="id"
        columns={columns}
        dataSource={communities}
        loading={loading}
        locale={{ emptyText: t('暂无小区') }}
        // The API answers every community at once, so the table pages them itself.
        pagination={{ hideOnSinglePage: true, pageSize: 20, showTotal: (total) => t('共 {total} 条', { total }) }}
      />
      {editing && (
        <FeeSettingsModal
          key={editing.community.id}
          community={editing.community}
          open={editing.open}
          onCancel={() => setEditing({ ...editing, open: false })}
          onSaved={() => {
            setEditing({ ...editing, open: false });
            reload();
          }}
          onClosed={() => setEditing(null)}
        />
      )}
      {adding && (
        <AddCommunityModal
          open={adding.open}
          onCancel={() => setAdding({ open: false })}
          onAdded={() => {
            setAdding({ open: false });
            reload();
          }}
          onClosed={() => setAdding(null)}
        />
      )}
    </>
  );
}
