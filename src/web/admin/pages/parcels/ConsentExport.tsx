// 导出代收同意记录 (SPEC §19): for the parcels taken in on a range of days (the last 30 by
// default), who they were for and what that resident had said about the desk holding them.
// Loaded only when opened: the date picker stays out of the desk's first screen.
import { DatePicker, Flex, Modal, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useCommunities, useDownload } from '../../common.js';
import { addDays, MAX_DAYS, shanghaiToday, spanDays } from '../dashboard/range.js';
import { EN } from './en.js';

export default function ConsentExportModal({ open, onClose }: { open: boolean; onClose: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const download = useDownload();
  const { communities } = useCommunities();
  const [today] = useState(() => shanghaiToday());
  const [days, setDays] = useState<[string, string]>(() => [addDays(today, -29), today]);
  const [communityId, setCommunityId] = useState<number>();
  const [busy, setBusy] = useState(false);

  const disabledDate = (d: Dayjs, info: { from?: Dayjs }) => {
    if (d.isAfter(dayjs(today), 'day')) return true;
    if (!info.from) return false;
    const [a, b] = [info.from.format('YYYY-MM-DD'), d.format('YYYY-MM-DD')].sort() as [string, string];
    return spanDays(a, b) > MAX_DAYS;
  };

  const run = async () => {
    setBusy(true);
    try {
      await download('/api/preferences/export', { from: days[0], to: days[1], communityId, format: 'xlsx' });
    } finally {
      setBusy(false);
    }
    onClose();
  };

  return (
    <Modal
      title={t('导出代收同意记录')}
      open={open}
      okText={t('导出')}
      cancelText={t('取消')}
      confirmLoading={busy}
      onOk={() => void run()}
      onCancel={onClose}
      data-testid="consent-export"
    >
      <Typography.Paragraph type="secondary">{t('导出所选日期内入库包裹的住户代收同意记录（xlsx）')}</Typography.Paragraph>
      <Flex vertical gap={12}>
        <DatePicker.RangePicker
          aria-label={t('入库日期')}
          allowClear={false}
          value={[dayjs(days[0]), dayjs(days[1])]}
          disabledDate={disabledDate}
          placeholder={[t('开始日期'), t('结束日期')]}
          onChange={(v) => {
            const [a, b] = v ?? [];
            if (a && b) setDays([a.format('YYYY-MM-DD'), b.format('YYYY-MM-DD')]);
          }}
        />
        {communities.length > 1 && (
          <Select<number>
            allowClear
            aria-label={t('小区')}
            placeholder={t('全部小区')}
            style={{ width: 240 }}
            value={communityId}
            onChange={(v) => setCommunityId(v)}
            options={communities.map((c) => ({ value: c.id, label: c.name }))}
          />
        )}
      </Flex>
    </Modal>
  );
}
