import { Form, InputNumber } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../../i18n.js';
import { FEE_EN, feeRules, noteAmount } from './fee.js';

/**
 * 保管费 of a community form (the field `fee`, typed in 元/天): its checks, the 元/天 suffix and the
 * note under it, which shows the amount as it is typed. The form's own save turns it into fen.
 */
export function FeeField(): ReactNode {
  const t = useT(FEE_EN);
  const typed = Form.useWatch<string | undefined>('fee');
  return (
    <Form.Item label={t('保管费')} name="fee" rules={feeRules(t)} validateFirst extra={t('(保管费是住户超过1天未领取按照{x}元收费)', { x: noteAmount(typed) })}>
      <InputNumber<string> stringMode controls={false} suffix={t('元/天')} style={{ width: 180 }} inputMode="decimal" />
    </Form.Item>
  );
}
