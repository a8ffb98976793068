// 条件筛选: community, carrier, courier, state, date range, damaged. Loaded only when opened: the
// date picker and the selects are most of its weight, and the clerk's first screen needs neither.
import { Button, DatePicker, Form, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { Courier, Page } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { CARRIERS } from '../../../../shared/carriers.js';
import { MAX_PAGE_SIZE } from '../../../../shared/constants.js';
import { PARCEL_STATUS_LABELS, PARCEL_STATUSES } from '../../../../shared/parcel-status.js';
import { COMMON_EN, useCommunities, useLoad } from '../../common.js';
import { EN } from './en.js';
import type { ParcelFilters } from './list-view.js';

interface FormValues {
  communityId?: number;
  carrier?: string;
  courierId?: number;
  status?: ParcelFilters['status'];
  days?: [Dayjs | null, Dayjs | null] | null;
  damaged?: 'yes' | 'no';
}

function toForm(f: ParcelFilters): FormValues {
  return {
    communityId: f.communityId,
    carrier: f.carrier,
    courierId: f.courierId,
    status: f.status,
    days: f.from || f.to ? [f.from ? dayjs(f.from) : null, f.to ? dayjs(f.to) : null] : null,
    damaged: f.damaged === undefined ? undefined : f.damaged ? 'yes' : 'no',
  };
}

function fromForm(v: FormValues): ParcelFilters {
  return {
    communityId: v.communityId ?? undefined,
    carrier: v.carrier ?? undefined,
    courierId: v.courierId ?? undefined,
    status: v.status ?? undefined,
    from: v.days?.[0]?.format('YYYY-MM-DD'),
    to: v.days?.[1]?.format('YYYY-MM-DD'),
    damaged: v.damaged === undefined || v.damaged === null ? undefined : v.damaged === 'yes',
  };
}

/** The couriers of the org (of one community when chosen), for the 派件员 select. */
function useCourierOptions(communityId: number | undefined): { value: number; label: string }[] {
  const { data } = useLoad(() => api.get<Page<Courier>>('/api/couriers', { communityId, pageSize: MAX_PAGE_SIZE }), [communityId]);
  return useMemo(() => (data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} ${c.phone}` })), [data]);
}

/** The filter form; 筛选 applies it, 重置 clears every filter. */
export default function FilterPanel({ value, onApply }: { value: ParcelFilters; onApply: (f: ParcelFilters) => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const [form] = Form.useForm<FormValues>();
  const { communities } = useCommunities();
  const communityId = Form.useWatch('communityId', form);
  const couriers = useCourierOptions(communityId ?? undefined);

  // The address is the truth: a filter changed elsewhere (the back button, 重置) shows here.
  useEffect(() => {
    form.setFieldsValue(toForm(value));
  }, [form, value]);

  const wide = { width: 200 };
  return (
    <Form<FormValues>
      form={form}
      layout="inline"
      initialValues={toForm(value)}
      onFinish={(v) => onApply(fromForm(v))}
      style={{ rowGap: 12, padding: 16, background: '#fafafa', borderRadius: 4 }}
      data-testid="filter-panel"
    >
      <Form.Item label={t('小区')} name="communityId">
        <Select allowClear style={wide} options={communities.map((c) => ({ value: c.id, label: c.name }))} />
      </Form.Item>
      <Form.Item label={t('快递公司')} name="carrier">
        <Select allowClear showSearch style={wide} options={CARRIERS.map((c) => ({ value: c.name, label: c.name }))} />
      </Form.Item>
      <Form.Item label={t('派件员')} name="courierId">
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} style={wide} options={couriers} />
      </Form.Item>
      <Form.Item label={t('状态')} name="status">
        <Select allowClear style={{ width: 120 }} options={PARCEL_STATUSES.map((s) => ({ value: s, label: t(PARCEL_STATUS_LABELS[s]) }))} />
      </Form.Item>
      <Form.Item label={t('录入日期')} name="days">
        <DatePicker.RangePicker allowEmpty={[true, true]} placeholder={[t('开始日期'), t('结束日期')]} />
      </Form.Item>
      <Form.Item label={t('是否破损')} name="damaged">
        <Select
          allowClear
          style={{ width: 110 }}
          options={[
            { value: 'yes', label: t('有破损') },
            { value: 'no', label: t('无破损') },
          ]}
        />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('筛选')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              form.setFieldsValue(toForm({}));
              onApply({});
            }}
          >
            {t('重置')}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
