import { Button, Popover, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../../i18n.js';
import { FEE_EN } from './fee.js';

/**
 * 什么是快递代收保管费？: the fee rule of SPEC §5 in a popover, shown while the link-like hint is
 * hovered or focused; above it, so that it never hides the dialog's buttons.
 */
export function FeeHelp(): ReactNode {
  const t = useT(FEE_EN);
  const content = (
    <div style={{ maxWidth: 360 }} data-testid="fee-help">
      <Typography.Paragraph style={{ marginBottom: 8 }}>{t('快递由前台接收后开始计时，24小时内免费；此后每满24小时收取一天的保管费。')}</Typography.Paragraph>
      <Typography.Paragraph style={{ marginBottom: 8 }}>
        {t('例如保管费为2元/天，12-21 10:48 接收的快递在 01-08 下午领取，已满18天，收费¥36.00。')}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('收费按接收时的保管费计算：修改只影响之后接收的快递。被拒收的快递不收费，前台也可以为单个快递撤销保管费。')}
      </Typography.Paragraph>
    </div>
  );
  return (
    <Popover title={t('快递代收保管费')} content={content} trigger={['hover', 'focus']} placement="topLeft">
      {/* A button that looks like the guide's link: it opens help, it goes nowhere. */}
      <Button type="link" style={{ padding: 0, height: 'auto' }}>
        {t('什么是快递代收保管费？')}
      </Button>
    </Popover>
  );
}
