import { Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../i18n.js';
import { COMMON_EN } from '../common.js';
import { EN } from './integrations/en.js';
import { KeysTab } from './integrations/KeysTab.js';
import { WebhooksTab } from './integrations/WebhooksTab.js';

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
