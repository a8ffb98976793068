import { Alert, Button, Form, Input, Modal, Select, Space } from 'antd';
import type { Rule } from 'antd/es/form/index.js';
import { useState, type ReactNode } from 'react';
import { api, ApiError, errorMessage } from '../../../api.js';
import type { Community } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { useFeedback } from '../../common.js';
import { CARRIER_OPTIONS, communityOptions, SEARCH_BY_LABEL } from './options.js';
import type { FieldSpec, FormValues, PeopleConfig, PersonRecord } from './types.js';

// The client checks only the shape of a mainland mobile; the API normalises and checks it fully
// (src/shared/phone.ts is not imported here: libphonenumber would triple the screen's size).
const MOBILE = /^1\d{10}$/;

/** What a field's input and checks depend on. */
type FieldLook = Pick<FieldSpec<object>, 'label' | 'kind' | 'max'>;

interface Props<R extends PersonRecord> {
  config: PeopleConfig<R>;
  /** The record to edit, or null to add. */
  editing: R | null;
  open: boolean;
  /** Values a new record starts with (the community being looked at, say). */
  defaults: FormValues;
  communities: Community[];
  /** The communities are loaded and there are none: nothing can be saved yet. */
  noCommunities: boolean;
  t: T;
  onClose: () => void;
  /** Called after each save, so that the list shows it. */
  onSaved: () => void;
}

function rulesOf(field: FieldLook, t: T): Rule[] {
  const label = t(field.label);
  const select = field.kind === 'community' || field.kind === 'carrier';
  // Community ids are numbers (the validator checks strings unless told otherwise).
  const type = field.kind === 'community' ? 'number' : 'string';
  const rules: Rule[] = [{ type, required: true, whitespace: !select, message: t(select ? '请选择{label}' : '请输入{label}', { label }) }];
  if (field.kind === 'phone') rules.push({ pattern: MOBILE, message: t('请输入11位手机号') });
  if (field.max) rules.push({ max: field.max, message: t('{label}不能超过{max}个字符', { label, max: field.max }) });
  return rules;
}

// A plain function, not a component: Form.Item hands value and onChange to its direct child.
function fieldInput(field: FieldLook, communities: Community[], t: T): ReactNode {
  const label = t(field.label);
  if (field.kind === 'community') {
    return <Select options={communityOptions(communities)} showSearch={SEARCH_BY_LABEL} placeholder={t('请选择{label}', { label })} />;
  }
  if (field.kind === 'carrier') return <Select options={CARRIER_OPTIONS} showSearch={SEARCH_BY_LABEL} placeholder={t('请选择{label}', { label })} />;
  return <Input maxLength={field.kind === 'phone' ? 20 : field.max} inputMode={field.kind === 'phone' ? 'numeric' : undefined} autoComplete="off" />;
}

/** 添加 / 修改: the record's form, in a modal that closes with it (so each opening starts fresh). */
export function PersonFormModal<R extends PersonRecord>(props: Props<R>): ReactNode {
  const { config, editing, open, t, onClose } = props;
  return (
    <Modal open={open} title={t(editing ? config.labels.edit : config.labels.add)} onCancel={onClose} footer={null} destroyOnHidden width={520}>
      <PersonForm {...props} />
    </Modal>
  );
}

function PersonForm<R extends PersonRecord>({ config, editing, defaults, communities, noCommunities, t, onClose, onSaved }: Props<R>): ReactNode {
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState<'save' | 'next' | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const { ok } = useFeedback();
  const initial: FormValues = editing ? Object.fromEntries(config.fields.map((f) => [f.name, editing[f.name] as FormValues[string]])) : defaults;

  const save = async (next: boolean) => {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    setBusy(next ? 'next' : 'save');
    setRefusal(null);
    try {
      if (editing) await api.patch(`${config.path}/${editing.id}`, values);
      else await api.post(config.path, values);
      ok(t('已保存'));
      onSaved();
      if (!next) return onClose();
      const kept = Object.fromEntries(config.fields.filter((f) => f.keep).map((f) => [f.name, values[f.name]]));
      form.resetFields();
      form.setFieldsValue(kept);
      const first = config.fields.find((f) => !f.keep);
      if (first) form.focusField(first.name);
    } catch (err) {
      // The API's own words (e.g. 该小区已有此手机号的快递员), beside the fields it names.
      setRefusal(errorMessage(err));
      if (err instanceof ApiError) {
        const names = new Set<string>(config.fields.map((f) => f.name));
        const fields = err.issues.map((i) => ({ name: i.path?.split('/').pop() ?? '', errors: [i.message] })).filter((f) => names.has(f.name));
        if (fields.length) form.setFields(fields);
      }
    } finally {
      setBusy(null);
    }
  };

  return (
    <Form
      form={form}
      name="person"
      initialValues={initial}
      labelCol={{ span: 5 }}
      wrapperCol={{ span: 18 }}
      style={{ marginTop: 24 }}
      onFinish={() => void save(false)}
    >
      {noCommunities && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('还没有小区，请先在代收设置中添加小区')} />}
      {refusal && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={refusal} />}
      {config.fields.map((field) => (
        <Form.Item
          key={field.name}
          name={field.name as string}
          label={t(field.label)}
          rules={rulesOf(field, t)}
          normalize={field.kind === 'phone' ? (v: string) => v.replace(/\s/g, '') : undefined}
        >
          {fieldInput(field, communities, t)}
        </Form.Item>
      ))}
      <Space style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 8 }}>
        <Button onClick={onClose}>{t('取消')}</Button>
        {!editing && (
          <Button onClick={() => void save(true)} loading={busy === 'next'} disabled={busy === 'save'}>
            {t('保存并添加下一个')}
          </Button>
        )}
        <Button type="primary" htmlType="submit" loading={busy === 'save'} disabled={busy === 'next'}>
          {t('保存')}
        </Button>
      </Space>
    </Form>
  );
}
