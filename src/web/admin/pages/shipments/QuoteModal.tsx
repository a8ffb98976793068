// 称重报价: the weight in kg (stored in grams) and the postage in 元 (stored in fen); the checks
// mirror the server's (at most 50 kg, ¥0.01 to ¥9,999.99).
import { Form, InputNumber, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Shipment } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { yuan } from '../../../../shared/fee.js';
import { SHIPMENT_LIMITS } from '../../../../shared/constants.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { FormModal } from '../../FormModal.js';
import { EN } from '../services/en.js';

interface Values {
  kg: string;
  price: string;
}

/** `1.25` kg → 1250 g; null unless a positive weight of at most 3 decimals within the limit. */
export function kgToGrams(typed: string | number | null | undefined): number | null {
  const text = String(typed ?? '').trim();
  if (!/^\d+(\.\d{1,3})?$/.test(text)) return null;
  const grams = Math.round(Number(text) * 1000);
  return grams >= 1 && grams <= SHIPMENT_LIMITS.maxWeightGrams ? grams : null;
}

/** `12.5` 元 → 1250 fen; null unless a positive amount of at most 2 decimals within the limit. */
export function priceToFen(typed: string | number | null | undefined): number | null {
  const text = String(typed ?? '').trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
  const fen = Math.round(Number(text) * 100);
  return fen >= 1 && fen <= SHIPMENT_LIMITS.maxPriceFen ? fen : null;
}

export function QuoteModal(props: { shipment: Shipment; open: boolean; onCancel: () => void; onDone: () => void; onClosed: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const [form] = Form.useForm<Values>();
  const { ok } = useFeedback();
  const s = props.shipment;

  const save = async (v: Values) => {
    const weightGrams = kgToGrams(v.kg);
    const priceFen = priceToFen(v.price);
    if (weightGrams === null || priceFen === null) return;
    await api.post<Shipment>(`/api/shipments/${s.id}/quote`, { weightGrams, priceFen });
    ok(t('已报价'));
    props.onDone();
  };
  const check = (convert: (v: string) => number | null, message: string) => async (_rule: unknown, value: string | undefined) => {
    if (String(value ?? '').trim() !== '' && convert(String(value)) === null) throw new Error(message);
  };

  return (
    <FormModal
      title={t(s.status === 'quoted' ? '重新报价' : '称重报价')}
      open={props.open}
      form={form}
      initialValues={{ kg: s.weightGrams !== null ? String(s.weightGrams / 1000) : undefined, price: s.priceFen !== null ? yuan(s.priceFen) : undefined }}
      intro={
        <Typography.Paragraph type="secondary">
          {s.item} → {s.receiver.name} {s.receiver.address}
        </Typography.Paragraph>
      }
      onSubmit={save}
      onCancel={props.onCancel}
      onClosed={props.onClosed}
    >
      <Form.Item
        label={t('重量')}
        name="kg"
        validateFirst
        rules={[{ required: true, message: t('请输入重量') }, { validator: check(kgToGrams, t('重量须在0.001到50公斤之间')) }]}
      >
        <InputNumber<string> stringMode controls={false} autoFocus suffix={t('公斤')} style={{ width: 180 }} inputMode="decimal" />
      </Form.Item>
      <Form.Item
        label={t('运费')}
        name="price"
        validateFirst
        extra={t('报价后短信通知寄件人支付。')}
        rules={[{ required: true, message: t('请输入运费') }, { validator: check(priceToFen, t('运费须在0.01到9999.99元之间，最多两位小数')) }]}
      >
        <InputNumber<string> stringMode controls={false} suffix={t('元')} style={{ width: 180 }} inputMode="decimal" />
      </Form.Item>
    </FormModal>
  );
}
