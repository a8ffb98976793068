import { InboxOutlined } from '@ant-design/icons';
import { App, Avatar, Badge, Breadcrumb, Button, Card, Flex, Skeleton, Space, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.js';
import { useT } from '../../i18n.js';
import { COMMON_EN, useFeedback, useLoad } from '../common.js';
import { useSession } from '../session.js';

const EN = {
  物业服务: 'Property services',
  已开启: 'Open',
  已关闭: 'Closed',
  开启应用: 'Open the app',
  关闭应用: 'Close the app',
  应用已开启: 'The app is open',
  应用已关闭: 'The app is closed',
  '物业代收居民快递：快递员登记派件，前台接收并通知住户，住户凭领取码取件，超期按天计收保管费。':
    'Parcels kept for residents by the property: couriers enter deliveries, the front desk receives them and tells the resident, who collects with a pickup code; parcels left too long pay a daily custody fee.',
  '确定关闭快递代收应用？': 'Close the parcel app?',
  '关闭后，快递员将无法提交派件。已有的快递、快递员、住户和设置都会保留，不会丢失；重新开启即可恢复使用。':
    'While it is closed couriers cannot submit parcels. Parcels, couriers, residents and settings are all kept, nothing is lost; opening it again restores everything.',
  '开启后，快递员即可为本物业的小区提交派件。': 'Once open, couriers can submit parcels for this company’s communities.',
  仅物业管理员可以开启或关闭应用: 'Only property admins can open or close the app',
  功能: 'Features',
} as const;

/** 应用广场: the parcel app's card, its state, and for admins 开启应用 / 关闭应用 (PUT /api/app). */
export default function AppsPage(): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { isAdmin, reload } = useSession();
  const { modal } = App.useApp();
  const { ok, fail } = useFeedback();
  const loaded = useLoad(() => api.get<{ enabled: boolean }>('/api/app'), []);
  const [changed, setChanged] = useState<boolean | null>(null);
  const enabled = changed ?? loaded.data?.enabled ?? null;
  const [busy, setBusy] = useState(false);

  const change = async (next: boolean) => {
    setBusy(true);
    try {
      const answer = await api.put<{ enabled: boolean }>('/api/app', { enabled: next });
      setChanged(answer.enabled);
      ok(t(answer.enabled ? '应用已开启' : '应用已关闭'));
      // The frame's closed-app banner reads the session.
      await reload();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const askToClose = () =>
    void modal.confirm({
      title: t('确定关闭快递代收应用？'),
      content: t('关闭后，快递员将无法提交派件。已有的快递、快递员、住户和设置都会保留，不会丢失；重新开启即可恢复使用。'),
      okText: t('关闭应用'),
      cancelText: t('取消'),
      okButtonProps: { danger: true },
      onOk: () => change(false),
    });

  const action =
    enabled === null || !isAdmin ? null : enabled ? (
      <Button danger loading={busy} onClick={askToClose}>
        {t('关闭应用')}
      </Button>
    ) : (
      <Button type="primary" loading={busy} onClick={() => void change(true)}>
        {t('开启应用')}
      </Button>
    );

  return (
    <>
      <Breadcrumb style={{ marginBottom: 16 }} items={[{ title: t('应用广场') }, { title: t('物业服务') }, { title: t('快递代收') }]} />
      <Card>
        {enabled === null ? (
          <Skeleton active avatar paragraph={{ rows: 2 }} />
        ) : (
          <Flex gap={24} align="flex-start">
            <Avatar shape="square" size={72} icon={<InboxOutlined />} style={{ background: '#1677ff', flex: 'none' }} />
            <div style={{ flex: 1, minWidth: 0 }}>
              <Space size={12} align="center">
                <Typography.Title level={4} style={{ margin: 0 }}>
                  {t('快递代收')}
                </Typography.Title>
                <Tag>{t('物业服务')}</Tag>
                <Badge data-testid="app-state" status={enabled ? 'success' : 'default'} text={t(enabled ? '已开启' : '已关闭')} />
              </Space>
              <Typography.Paragraph type="secondary" style={{ margin: '8px 0 12px' }}>
                {t('物业代收居民快递：快递员登记派件，前台接收并通知住户，住户凭领取码取件，超期按天计收保管费。')}
              </Typography.Paragraph>
              <Space size={16} wrap>
                <Typography.Text type="secondary">{t('功能')}:</Typography.Text>
                <Link to="/parcels">{t('快递记录')}</Link>
                <Link to="/couriers">{t('快递员管理')}</Link>
                <Link to="/settings">{t('代收设置')}</Link>
              </Space>
              {!enabled && isAdmin && (
                <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
                  {t('开启后，快递员即可为本物业的小区提交派件。')}
                </Typography.Paragraph>
              )}
              {!isAdmin && (
                <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
                  {t('仅物业管理员可以开启或关闭应用')}
                </Typography.Paragraph>
              )}
            </div>
            <div style={{ flex: 'none' }}>{action}</div>
          </Flex>
        )}
      </Card>
    </>
  );
}
