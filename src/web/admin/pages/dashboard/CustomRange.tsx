// 自定义's RangePicker, loaded only when 自定义 is chosen: the date picker is a good part of a
// screen's weight, and the presets are what the dashboard is opened with.
import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import type { T } from '../../../i18n.js';
import { MAX_DAYS, spanDays } from './range.js';

/** Both days of a range, never after `today` nor longer than the server's MAX_DAYS. */
export default function CustomRange({
  from,
  to,
  today,
  t,
  onChange,
}: {
  from: string;
  to: string;
  today: string;
  t: T;
  onChange: (from: string, to: string) => void;
}): ReactNode {
  const last = dayjs(today);
  const disabledDate = (d: Dayjs, info: { from?: Dayjs }) => {
    if (d.isAfter(last, 'day')) return true;
    if (!info.from) return false;
    const [a, b] = [info.from.format('YYYY-MM-DD'), d.format('YYYY-MM-DD')].sort() as [string, string];
    return spanDays(a, b) > MAX_DAYS;
  };
  return (
    <DatePicker.RangePicker
      aria-label={t('自定义')}
      allowClear={false}
      value={[dayjs(from), dayjs(to)]}
      disabledDate={disabledDate}
      placeholder={[t('开始日期'), t('结束日期')]}
      onChange={(days) => {
        const [a, b] = days ?? [];
        if (a && b) onChange(a.format('YYYY-MM-DD'), b.format('YYYY-MM-DD'));
      }}
    />
  );
}
