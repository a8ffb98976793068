import { Alert, Button, Grid, Layout, Menu, Segmented, Space, Tag, type MenuProps } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { setLang, useLang, useT } from '../i18n.js';
import { COMMON_EN } from './common.js';
import { useSession } from './session.js';

/** The frame of every signed-in screen: the left menu, the top bar, and a notice while the app is closed. */
export function ConsoleLayout(): ReactNode {
  const { me, isAdmin, logout } = useSession();
  const t = useT(COMMON_EN);
  const lang = useLang();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const selected = `/${pathname.split('/')[1] ?? ''}`;
  // On a PDA or phone (under 768 px) the menu folds away behind a button.
  const narrow = Grid.useBreakpoint().md === false;
  const [menuOpen, setMenuOpen] = useState(false);

  const items: MenuProps['items'] = [
    // The console opens here (admins and clerks): the day's figures first.
    { key: '/dashboard', label: t('数据看板') },
    {
      key: 'parcel-app',
      label: t('快递代收'),
      type: 'group',
      children: [
        { key: '/parcels', label: t('快递记录') },
        { key: '/intake', label: t('入库') },
        { key: '/checkout', label: t('出库') },
        { key: '/deliveries', label: t('送货上门') },
        { key: '/shipments', label: t('代寄') },
        { key: '/shelves', label: t('货架管理') },
        { key: '/couriers', label: t('快递员管理') },
        { key: '/settings', label: t('代收设置') },
      ],
    },
    { type: 'divider' },
    { key: '/residents', label: t('住户管理') },
    ...(isAdmin
      ? [
          { key: '/staff', label: t('人员管理') },
          { key: '/notifications', label: t('通知记录') },
          { key: '/integrations', label: t('开放接口') },
          { key: '/audit', label: t('操作日志') },
        ]
      : []),
    { key: '/apps', label: t('应用广场') },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={200}
        theme="light"
        collapsed={narrow && !menuOpen}
        collapsedWidth={0}
        trigger={null}
        style={
          narrow
            ? { position: 'fixed', zIndex: 20, height: '100vh', boxShadow: menuOpen ? '2px 0 8px rgba(0,0,0,.15)' : undefined }
            : { borderRight: '1px solid #f0f0f0' }
        }
      >
        <div style={{ height: 56, display: 'flex', alignItems: 'center', padding: '0 24px', fontWeight: 600, fontSize: 16 }}>{t('物业管理后台')}</div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          items={items}
          onClick={({ key }) => {
            setMenuOpen(false);
            void navigate(key);
          }}
          style={{ borderInlineEnd: 0 }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: narrow ? '0 8px' : '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
            gap: 8,
          }}
        >
          <Space size={4} style={{ minWidth: 0 }}>
            {narrow && <Button type="text" aria-label={t('菜单')} icon={<MenuOutlined />} onClick={() => setMenuOpen((o) => !o)} />}
            <strong data-testid="org-name" style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
              {me.org.name}
            </strong>
          </Space>
          <Space size={narrow ? 4 : 'middle'}>
            <Segmented
              size="small"
              value={lang}
              onChange={(v) => setLang(v as 'zh' | 'en')}
              options={[
                { label: '中文', value: 'zh' },
                { label: 'EN', value: 'en' },
              ]}
            />
            <span data-testid="user-name" style={narrow ? { display: 'none' } : undefined}>
              {me.staff.username} <Tag>{t(me.staff.role === 'admin' ? '管理员' : '前台')}</Tag>
            </span>
            {!narrow && <Link to="/password">{t('修改密码')}</Link>}
            <Button type="link" onClick={() => void logout()}>
              {t('退出')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 8 : 24 }} onClick={() => narrow && menuOpen && setMenuOpen(false)}>
          {!me.org.appEnabled && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('快递代收应用已关闭，快递员暂时无法录入包裹')}
              action={isAdmin ? <Link to="/apps">{t('去开启')}</Link> : undefined}
            />
          )}
          <div style={{ background: '#fff', padding: narrow ? 12 : 24, borderRadius: 4 }}>
            <Outlet />
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
