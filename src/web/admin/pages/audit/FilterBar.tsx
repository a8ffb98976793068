// The row of filters above the trail: 操作人类型, 对象, 操作, 对象编号, 时间; 查询 applies them,
// 重置 clears them. The address is the truth: the form shows what the list is filtered by.
import { Button, DatePicker, Form, Input, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useEffect, type ReactNode } from 'react';
import type { T } from '../../../i18n.js';
import { SEARCH_BY_LABEL } from '../people/options.js';
import { FILTER_PARAMS, formToParams, NAME, type FilterForm, type FilterParam } from './filters.js';
import { actorOptions, entityOptions } from './labels.js';

function toForm(q: Record<string, string | undefined>): FilterForm {
  return {
    actorKind: q.actorKind,
    entity: q.entity,
    action: q.action,
    entityId: q.entityId,
    days: q.from || q.to ? [q.from ? dayjs(q.from) : null, q.to ? dayjs(q.to) : null] : null,
  };
}

/** The filter form; `onApply` gets the parameters to set in the address (undefined: cleared). */
export function FilterBar({
  value,
  t,
  onApply,
}: {
  value: Record<string, string | undefined>;
  t: T;
  onApply: (params: Record<FilterParam, string | undefined>) => void;
}): ReactNode {
  const [form] = Form.useForm<FilterForm>();
  // A filter changed elsewhere (the back button, a link, 重置) shows here. The parameters' text is
  // the dependency: `value` is a new object at every render of the page.
  const shown = FILTER_PARAMS.map((p) => value[p] ?? '').join('\n');
  useEffect(() => {
    form.setFieldsValue(toForm(value));
  }, [form, shown]);

  return (
    <Form<FilterForm> form={form} layout="inline" initialValues={toForm(value)} onFinish={(v) => onApply(formToParams(v))} style={{ rowGap: 12 }}>
      <Form.Item label={t('操作人类型')} name="actorKind">
        <Select allowClear style={{ width: 130 }} options={actorOptions(t)} />
      </Form.Item>
      <Form.Item label={t('对象')} name="entity">
        <Select allowClear showSearch={SEARCH_BY_LABEL} style={{ width: 150 }} options={entityOptions(t)} />
      </Form.Item>
      <Form.Item
        label={t('操作')}
        name="action"
        // The API's own rule: a mistyped action is told here, not answered with a 400.
        rules={[{ pattern: NAME, message: t('只能包含小写字母、数字、下划线和点') }]}
        normalize={(v: string) => v.replace(/\s/g, '')}
      >
        <Input allowClear style={{ width: 230 }} placeholder={t('如 parcel.receive 或 parcel.')} />
      </Form.Item>
      <Form.Item label={t('对象编号')} name="entityId">
        <Input allowClear style={{ width: 120 }} maxLength={60} />
      </Form.Item>
      <Form.Item label={t('时间')} name="days">
        <DatePicker.RangePicker allowEmpty={[true, true]} placeholder={[t('开始日期'), t('结束日期')]} />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('查询')}
          </Button>
          <Button
            onClick={() => {
              form.setFieldsValue(toForm({}));
              onApply(formToParams({}));
            }}
          >
            {t('重置')}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
