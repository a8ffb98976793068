import { Alert, Button, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { T } from './en.js';

/** The key or secret just created, shown once, with a copy button. */
export function ShownOnce(props: { title: string; warning: string; value: string; onClose: () => void; t: T }): ReactNode {
  return (
    <Modal
      open
      title={props.title}
      closable={false}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={props.onClose}>
          {props.t('我已保存')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={props.warning} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable code data-testid="shown-once" style={{ wordBreak: 'break-all' }}>
        {props.value}
      </Typography.Paragraph>
    </Modal>
  );
}
