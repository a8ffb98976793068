import { PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Flex, Popconfirm, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { Staff } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useCommunities, useFeedback } from '../common.js';
import { useSession } from '../session.js';
import { ADD_STAFF_EN, AddStaffModal } from './org/AddStaffModal.js';
import { EditStaffModal } from './org/EditStaffModal.js';
import { fullTime, shortTime } from './org/format.js';
import { PasswordModal } from './org/PasswordModal.js';
import { STAFF_FORM_EN } from './org/staffForm.js';
import { useStaffList } from './org/useStaffList.js';

const EN = {
  状态: 'Status',
  添加时间: 'Added',
  操作: 'Actions',
  全部小区: 'All communities',
  未分配: 'None assigned',
  正常: 'Active',
  已停用: 'Disabled',
  修改密码: 'Password',
  停用: 'Disable',
  启用: 'Enable',
  我: 'me',
  '停用{name}？': 'Disable {name}?',
  '停用后立即退出登录，且无法再登录；可随时重新启用。': 'They are signed out at once and cannot sign in again until enabled.',
  '已停用{name}': '{name} disabled',
  '已启用{name}': '{name} enabled',
  '物业管理员和前台的账号：前台只能看到分配给他的小区。': 'Accounts of admins and front desk staff; front desk staff see only their communities.',
} as const;

type Dialog = { kind: 'add' } | { kind: 'edit'; staff: Staff } | { kind: 'password'; staff: Staff };

/** 人员管理 (admins): staff accounts, their roles and communities, passwords, and 停用 / 启用. */
export default function StaffPage(): ReactNode {
  const t = useT(EN, ADD_STAFF_EN, STAFF_FORM_EN, COMMON_EN);
  const { me } = useSession();
  const { staff, loading, reload } = useStaffList();
  const { communities } = useCommunities();
  const { ok, fail } = useFeedback();
  const [dialog, setDialog] = useState<{ d: Dialog; open: boolean } | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const names = new Map(communities.map((c) => [c.id, c.name]));
  const close = () => setDialog((s) => (s ? { ...s, open: false } : s));
  const saved = () => {
    close();
    reload();
  };

  const setDisabled = async (s: Staff, disabled: boolean) => {
    setBusyId(s.id);
    try {
      await api.patch<Staff>(`/api/staff/${s.id}`, { disabled });
      ok(t(disabled ? '已停用{name}' : '已启用{name}', { name: s.username }));
      reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusyId(null);
    }
  };

  const columns: TableColumnsType<Staff> = [
    {
      title: t('用户名'),
      dataIndex: 'username',
      key: 'username',
      render: (name: string, s) => (
        <Space size={4}>
          {name}
          {s.id === me.staff.id && <Tag color="blue">{t('我')}</Tag>}
        </Space>
      ),
    },
    { title: t('角色'), dataIndex: 'role', key: 'role', width: 100, render: (role: Staff['role']) => t(role === 'admin' ? '管理员' : '前台') },
    {
      title: t('负责小区'),
      key: 'communities',
      render: (_, s) =>
        s.role === 'admin' ? (
          <Typography.Text type="secondary">{t('全部小区')}</Typography.Text>
        ) : s.communityIds.length === 0 ? (
          <Typography.Text type="warning">{t('未分配')}</Typography.Text>
        ) : (
          <Flex wrap gap={4}>
            {s.communityIds.map((id) => (
              <Tag key={id}>{names.get(id) ?? `#${id}`}</Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t('状态'),
      dataIndex: 'disabled',
      key: 'disabled',
      width: 100,
      render: (disabled: boolean) => (disabled ? <Badge status="default" text={t('已停用')} /> : <Badge status="success" text={t('正常')} />),
    },
    {
      title: t('添加时间'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 130,
      render: (at: string) => <Tooltip title={fullTime(at)}>{shortTime(at)}</Tooltip>,
    },
    {
      title: t('操作'),
      key: 'actions',
      width: 220,
      render: (_, s) => {
        const self = s.id === me.staff.id;
        return (
          <Space size={0} separator={<span style={{ color: '#f0f0f0' }}>|</span>}>
            <Button type="link" size="small" onClick={() => setDialog({ d: { kind: 'edit', staff: s }, open: true })}>
              {t('修改')}
            </Button>
            <Button type="link" size="small" onClick={() => setDialog({ d: { kind: 'password', staff: s }, open: true })}>
              {t('修改密码')}
            </Button>
            {self ? null : s.disabled ? (
              <Button type="link" size="small" loading={busyId === s.id} onClick={() => void setDisabled(s, false)}>
                {t('启用')}
              </Button>
            ) : (
              <Popconfirm
                title={t('停用{name}？', { name: s.username })}
                description={t('停用后立即退出登录，且无法再登录；可随时重新启用。')}
                okText={t('停用')}
                cancelText={t('取消')}
                okButtonProps={{ danger: true }}
                onConfirm={() => setDisabled(s, true)}
              >
                <Button type="link" size="small" danger loading={busyId === s.id}>
                  {t('停用')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        );
      },
    },
  ];

  const d = dialog?.d;
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('人员管理')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('物业管理员和前台的账号：前台只能看到分配给他的小区。')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ d: { kind: 'add' }, open: true })}>
          {t('添加人员')}
        </Button>
      </Flex>
      <Table<Staff>
        rowKey="id"
        columns={columns}
        dataSource={staff}
        loading={loading}
        // The API answers every staff member at once, so the table pages them itself.
        pagination={{ hideOnSinglePage: true, pageSize: 20, showTotal: (total) => t('共 {total} 条', { total }) }}
      />
      {dialog && d?.kind === 'add' && (
        <AddStaffModal open={dialog.open} communities={communities} onCancel={close} onAdded={saved} onClosed={() => setDialog(null)} />
      )}
      {dialog && d?.kind === 'edit' && (
        <EditStaffModal
          key={d.staff.id}
          staff={d.staff}
          isSelf={d.staff.id === me.staff.id}
          open={dialog.open}
          communities={communities}
          onCancel={close}
          onSaved={saved}
          onClosed={() => setDialog(null)}
        />
      )}
      {dialog && d?.kind === 'password' && (
        <PasswordModal key={d.staff.id} staff={d.staff} open={dialog.open} onCancel={close} onSaved={saved} onClosed={() => setDialog(null)} />
      )}
    </>
  );
}
