// The console's form dialog: 确认 / 取消, a spinner on 确认 while the call runs, the API's message
// when it refuses (the dialog stays open to fix the values), and Enter in a field submits.
import { Form, Modal, type FormInstance } from 'antd';
import { useState, type ReactNode } from 'react';
import { useLang, useT } from '../i18n.js';
import { COMMON_EN, useFeedback } from './common.js';

/**
 * The label column of the dialog forms: the Chinese labels fit in 80 px, the English ones
 * ("Collection point") need more.
 */
export function useLabelWidth(): number {
  return useLang() === 'en' ? 130 : 80;
}

interface Props<Values> {
  title: ReactNode;
  open: boolean;
  form: FormInstance<Values>;
  initialValues?: Partial<Values>;
  /** Defaults to useLabelWidth(). */
  labelWidth?: number;
  /** Shown above the form (whose values it concerns, what saving does). */
  intro?: ReactNode;
  /** Sends the values; a throw shows its message and keeps the dialog open. */
  onSubmit: (values: Values) => Promise<void>;
  onCancel: () => void;
  /** After the closing animation: the parent unmounts the dialog, so each opening starts fresh. */
  onClosed: () => void;
  children: ReactNode;
}

/** A horizontal form in a 确认 / 取消 dialog, which owns the saving state and the error toast. */
export function FormModal<Values>(props: Props<Values>): ReactNode {
  const t = useT(COMMON_EN);
  const defaultWidth = useLabelWidth();
  const [saving, setSaving] = useState(false);
  const { fail } = useFeedback();

  const submit = async (values: Values) => {
    setSaving(true);
    try {
      await props.onSubmit(values);
    } catch (err) {
      fail(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={props.title}
      open={props.open}
      okText={t('确认')}
      cancelText={t('取消')}
      confirmLoading={saving}
      onOk={() => props.form.submit()}
      onCancel={props.onCancel}
      afterClose={props.onClosed}
      width={520}
    >
      {props.intro}
      <Form
        form={props.form}
        layout="horizontal"
        labelCol={{ flex: `${props.labelWidth ?? defaultWidth}px` }}
        initialValues={props.initialValues}
        onFinish={(values) => void submit(values)}
        requiredMark={false}
      >
        {props.children}
        {/* A browser submits a form on Enter only when it holds a submit button (确认 is in the
            dialog's footer, outside it); disabled while saving, so Enter cannot send twice. */}
        <button type="submit" hidden disabled={saving} />
      </Form>
    </Modal>
  );
}
