import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Space, Table, Typography, Upload } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, apiUrl, errorMessage } from '../../../api.js';
import type { ImportResult } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { useFeedback } from '../../common.js';
import type { PeopleLabels } from './types.js';

interface Props {
  /** The API collection: its /template and /import. */
  path: string;
  labels: PeopleLabels;
  open: boolean;
  t: T;
  onClose: () => void;
  /** Called after an import that wrote rows, so that the list shows them. */
  onImported: () => void;
}

type ImportError = ImportResult['errors'][number] & { key: number };

/** 批量导入: the guide's two steps (template, upload), the overwrite rule, then what happened. */
export function ImportModal({ path, labels, open, t, onClose, onImported }: Props): ReactNode {
  return (
    <Modal open={open} title={t('批量导入')} onCancel={onClose} destroyOnHidden width={640} footer={<Button onClick={onClose}>{t('关闭')}</Button>}>
      <ImportSteps path={path} labels={labels} t={t} onImported={onImported} />
    </Modal>
  );
}

function ImportSteps({ path, labels, t, onImported }: Omit<Props, 'open' | 'onClose'>): ReactNode {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<(ImportResult & { file: string }) | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const { ok, fail } = useFeedback();

  const upload = async (file: File) => {
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      const answer = await api.upload<ImportResult>(`${path}/import`, file);
      setResult({ ...answer, file: file.name });
      if (answer.created + answer.updated > 0) onImported();
      ok(summary(answer, t));
    } catch (err) {
      setFailure(errorMessage(err));
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', marginTop: 8 }}>
      <div>
        1.{' '}
        <a href={apiUrl(`${path}/template`, { format: 'xlsx' })} download>
          {t('点击此处')}
        </a>{' '}
        {t(labels.template)}{' '}
        <a href={apiUrl(`${path}/template`, { format: 'csv' })} download>
          {t('（CSV格式）')}
        </a>
      </div>
      <div>
        <div style={{ marginBottom: 8 }}>2. {t(labels.importDoc)}</div>
        <Upload
          accept=".csv,.xls,.xlsx"
          showUploadList={false}
          disabled={busy}
          // The file goes through api.ts (language, session, the API's error messages), not antd's own request.
          customRequest={({ file }) => void upload(file as File)}
        >
          <Button icon={<UploadOutlined />} loading={busy}>
            {t('选择文件')}
          </Button>
        </Upload>
      </div>
      <Typography.Text type="secondary">{t(labels.overwrite)}</Typography.Text>
      {failure && <Alert type="error" showIcon title={failure} />}
      {result && <ImportOutcome result={result} t={t} />}
    </Space>
  );
}

function summary({ created, updated, failed }: ImportResult, t: T): string {
  return t('导入完成：新增 {created} 条，更新 {updated} 条，未导入 {failed} 条', { created, updated, failed });
}

function ImportOutcome({ result, t }: { result: ImportResult & { file: string }; t: T }): ReactNode {
  const columns = [
    { title: t('行'), dataIndex: 'row', width: 72 },
    { title: t('列'), dataIndex: 'column', width: 120, render: (c: string | null) => c ?? '—' },
    { title: t('原因'), dataIndex: 'message' },
  ];
  return (
    <div data-testid="import-result">
      <Alert type={result.failed > 0 ? 'warning' : 'success'} showIcon title={summary(result, t)} description={result.file} />
      {result.errors.length > 0 && (
        <>
          <Typography.Paragraph style={{ margin: '12px 0 8px' }}>{t('以下行未导入，请修改后重新导入')}</Typography.Paragraph>
          <Table<ImportError>
            size="small"
            columns={columns}
            dataSource={result.errors.map((e, key) => ({ ...e, key }))}
            pagination={result.errors.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
          />
        </>
      )}
    </div>
  );
}
