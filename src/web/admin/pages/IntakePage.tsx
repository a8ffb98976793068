// 入库 (SPEC.md §14): the desk takes in the parcels couriers dropped, at a handheld scanner's pace.
// The scanner types the number and Enter into the scan box, which keeps the focus; each scan is
// queued at once (deskQueue.ts) and the box is empty for the next. The phone comes from lookup
// when the number or the recipient is known, else the clerk types it, or its last 4 digits, in
// the phone box. Problems turn their row red with a low beep and stop nothing else.
import { Alert, Button, Checkbox, Flex, Input, Select, Space, Spin, Switch, Tag, Typography, type InputRef } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import type { LookupResult } from '../../api-types.js';
import { useT, type T } from '../../i18n.js';
import { CARRIERS } from '../../../shared/carriers.js';
import { maskPhone } from '../../../shared/phone.js';
import { COMMON_EN } from '../common.js';
import { PreferenceTag, PREFERENCE_TAG_EN } from './parcels/PreferenceTag.js';
import { useSession } from '../session.js';
import { beep, deskQueueFor, useDeskQueue, type DeskScan } from './station/deskQueue.js';
import { usePrintLabels } from './station/PrintLabel.js';
import { CommunitySelect } from './station/CommunitySelect.js';
import { useCouriers, useDeskCommunity, useShelves } from './station/useStation.js';
import './station/station.css';

export const STATION_EN = {
  入库: 'Intake',
  出库: 'Checkout',
  货架管理: 'Shelves',
  小区: 'Community',
  快递员: 'Courier',
  快递公司: 'Carrier',
  货架: 'Shelf',
  自动分配货架: 'Shelf: automatic',
  '快递员（可选）': 'Courier (optional)',
  '快递公司（按单号识别）': 'Carrier (from the number)',
  扫描或输入快递单号: 'Scan or type the tracking number',
  手机号或后4位: 'Phone or its last 4 digits',
  破损: 'Damaged',
  排队中: 'Queued',
  发送中: 'Sending',
  待重发: 'Will retry',
  需手机号: 'Phone needed',
  失败: 'Failed',
  已入库: 'Received',
  打印: 'Print',
  删除: 'Remove',
  清空已入库: 'Clear received',
  入库后自动打印标签: 'Print a label after each intake',
  '本机已入库 {done} 件，待处理 {open} 件': '{done} received on this device, {open} to handle',
  '单号 {no}：{reason}': '{no}: {reason}',
  输入手机号或后4位后按回车: 'type the phone or its last 4 digits and press Enter',
  领取码: 'Pickup code',
  '匹配住户：{who}': 'Resident: {who}',
  '暂无小区，请先在代收设置中添加': 'No community yet: add one in Collection settings',
} as const;

const STATE_TAGS: Record<DeskScan['state'], [string, string]> = {
  queued: ['排队中', 'default'],
  sending: ['发送中', 'processing'],
  waiting: ['待重发', 'warning'],
  needs_phone: ['需手机号', 'error'],
  failed: ['失败', 'error'],
  done: ['已入库', 'success'],
};

const AUTO_PRINT_KEY = 'kd.desk.autoprint';

/** One scan in the list: its number, state, label and code, or why it failed. */
function ScanRow({ s, t, onPrint, onRemove }: { s: DeskScan; t: T; onPrint: () => void; onRemove: () => void }): ReactNode {
  const [label, color] = STATE_TAGS[s.state];
  const who = s.recipientPhone ? `${s.recipientName ?? ''} ${maskPhone(s.recipientPhone)}`.trim() : '';
  const preference = s.preference ?? s.parcel?.preference ?? null;
  return (
    <div className="kd-desk-row" data-testid="desk-row" data-state={s.state} data-tracking={s.trackingNo}>
      <span className="kd-desk-no">{s.trackingNo}</span>
      <Tag color={color}>{t(label)}</Tag>
      {s.parcel && (
        <>
          <span className="kd-desk-label" data-testid="desk-label">
            {s.parcel.shelfLabel ?? '—'}
          </span>
          <span className="kd-desk-code">
            {t('领取码')} {s.parcel.pickupCode}
          </span>
        </>
      )}
      {who && <span>{who}</span>}
      <PreferenceTag preference={preference} t={t} desk />
      <Space size={4} style={{ marginInlineStart: 'auto' }}>
        {s.parcel && (
          <Button size="small" onClick={onPrint}>
            {t('打印')}
          </Button>
        )}
        {s.state !== 'sending' && s.state !== 'done' && (
          <Button size="small" type="link" danger onClick={onRemove}>
            {t('删除')}
          </Button>
        )}
      </Space>
      {s.error && s.state !== 'done' && <span className="kd-desk-reason">{s.error}</span>}
    </div>
  );
}

/** What the 4 digits typed match in the community: one resident's name (and 收件偏好), or a reason. */
function useTailHint(communityId: number | undefined, phone: string): { hint: string; preference: LookupResult['preference'] } {
  const [hint, setHint] = useState<{ hint: string; preference: LookupResult['preference'] }>(NO_HINT);
  useEffect(() => {
    setHint(NO_HINT);
    if (!communityId || !/^\d{4}$/.test(phone)) return;
    let current = true;
    api.get<LookupResult>('/api/parcels/lookup', { communityId, phoneTail: phone }).then(
      (r) => current && setHint({ hint: `${r.recipientName} ${maskPhone(r.recipientPhone)}`.trim(), preference: r.preference ?? null }),
      (err: unknown) => current && setHint({ hint: err instanceof Error ? err.message : '', preference: null }),
    );
    return () => {
      current = false;
    };
  }, [communityId, phone]);
  return hint;
}

const NO_HINT = { hint: '', preference: null };

/** The 入库 screen: the batch (community, courier, carrier, shelf), the scan and phone boxes, and the list. */
export default function IntakePage(): ReactNode {
  const t = useT(STATION_EN, PREFERENCE_TAG_EN, COMMON_EN);
  const { me } = useSession();
  const queue = deskQueueFor(me.staff.id);
  const scans = useDeskQueue(queue);
  const { communities, community, setCommunityId, loading: communitiesLoading } = useDeskCommunity();
  const communityId = community?.id;
  const couriers = useCouriers(communityId);
  const { shelves } = useShelves(communityId);
  const [courierId, setCourierId] = useState<number>();
  const [carrier, setCarrier] = useState<string>();
  const [shelfId, setShelfId] = useState<number>();
  const [trackingNo, setTrackingNo] = useState('');
  const [phone, setPhone] = useState('');
  const [damaged, setDamaged] = useState(false);
  const [autoPrint, setAutoPrint] = useState(() => localStorage.getItem(AUTO_PRINT_KEY) === '1');
  const scanBox = useRef<InputRef>(null);
  const phoneBox = useRef<InputRef>(null);
  const { sheet, print } = usePrintLabels();
  const { hint: tailHint, preference: tailPreference } = useTailHint(communityId, phone);

  // The scan box has the focus whenever the clerk is not typing elsewhere.
  useEffect(() => scanBox.current?.focus(), [communityId]);
  // A problem beeps; with auto-print, each parcel received prints its label.
  const [printed] = useState(() => ({ current: new Set(scans.filter((s) => s.parcel).map((s) => s.key)) }));
  useEffect(() => {
    queue.alarm = () => beep('problem');
    return () => {
      queue.alarm = () => undefined;
    };
  }, [queue]);
  useEffect(() => {
    const fresh = scans.filter((s) => s.parcel && !printed.current.has(s.key));
    for (const s of fresh) printed.current.add(s.key);
    if (autoPrint && fresh.length) print(fresh.flatMap((s) => (s.parcel ? [s.parcel] : [])));
    // `print` is the hook's; only new parcels matter here.
  }, [scans, autoPrint]);
  // Scans left from before a reload are sent on.
  useEffect(() => void queue.pump(), [queue]);

  const needsPhone = scans.find((s) => s.state === 'needs_phone');
  const done = scans.filter((s) => s.state === 'done').length;
  const open = scans.length - done;

  const submitScan = () => {
    const no = trackingNo.trim();
    if (!communityId) return;
    if (!no) {
      // Enter on an empty scan box with a phone typed: it is the phone a waiting scan asked for.
      if (needsPhone && phone.trim()) {
        queue.supplyPhone(needsPhone.key, phone.trim(), tailPreference);
        setPhone('');
      }
      return;
    }
    queue.scan({ communityId, courierId, carrier, shelfId }, no, phone.trim(), damaged, tailPreference);
    setTrackingNo('');
    setPhone('');
    setDamaged(false);
    scanBox.current?.focus();
  };
  const onPhoneEnter = () => {
    submitScan();
    scanBox.current?.focus();
  };

  if (!community) return communitiesLoading ? <Spin /> : <Typography.Text type="secondary">{t('暂无小区，请先在代收设置中添加')}</Typography.Text>;

  return (
    <div>
      {sheet}
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <CommunitySelect
          label={t('小区')}
          communities={communities}
          value={communityId}
          onChange={(id: number) => {
            setCommunityId(id);
            setCourierId(undefined);
            setShelfId(undefined);
          }}
        />
        <Select
          aria-label={t('快递员')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ minWidth: 160 }}
          placeholder={t('快递员（可选）')}
          value={courierId}
          options={couriers.map((c) => ({ value: c.id, label: `${c.name} · ${c.carrier}` }))}
          onChange={(id?: number) => {
            setCourierId(id);
            if (id) setCarrier(undefined);
          }}
        />
        <Select
          aria-label={t('快递公司')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ minWidth: 170 }}
          placeholder={t('快递公司（按单号识别）')}
          value={carrier}
          options={CARRIERS.map((c) => ({ value: c.name, label: c.name }))}
          onChange={(v?: string) => setCarrier(v)}
        />
        {shelves.length > 0 && (
          <Select
            aria-label={t('货架')}
            allowClear
            style={{ minWidth: 150 }}
            placeholder={t('自动分配货架')}
            value={shelfId}
            options={shelves.map((s) => ({ value: s.id, label: `${s.code}（${s.occupied}/${s.capacity}）` }))}
            onChange={(v?: number) => setShelfId(v)}
          />
        )}
      </Flex>
      <Flex wrap gap={8} align="center">
        <Input
          ref={scanBox}
          className="kd-desk-scan"
          data-testid="desk-scan"
          size="large"
          style={{ flex: '2 1 260px' }}
          placeholder={t('扫描或输入快递单号')}
          autoComplete="off"
          value={trackingNo}
          onChange={(e) => setTrackingNo(e.target.value)}
          onPressEnter={submitScan}
        />
        <Input
          ref={phoneBox}
          data-testid="desk-phone"
          size="large"
          style={{ flex: '1 1 160px' }}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t('手机号或后4位')}
          value={phone}
          onChange={(e) => setPhone(e.target.value.replace(/\D/g, '').slice(0, 11))}
          onPressEnter={onPhoneEnter}
        />
        <PreferenceTag preference={tailPreference} t={t} desk />
        <Checkbox checked={damaged} onChange={(e) => setDamaged(e.target.checked)}>
          {t('破损')}
        </Checkbox>
      </Flex>
      {tailHint && <Typography.Text type="secondary">{t('匹配住户：{who}', { who: tailHint })}</Typography.Text>}
      {needsPhone && (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          showIcon
          data-testid="desk-needs-phone"
          title={t('单号 {no}：{reason}', { no: needsPhone.trackingNo, reason: needsPhone.error ?? '' })}
          description={t('输入手机号或后4位后按回车')}
          action={
            <Button size="small" onClick={() => phoneBox.current?.focus()}>
              {t('手机号或后4位')}
            </Button>
          }
        />
      )}
      <Flex wrap gap={8} align="center" justify="space-between" style={{ marginTop: 12 }}>
        <Typography.Text data-testid="desk-counts">{t('本机已入库 {done} 件，待处理 {open} 件', { done, open })}</Typography.Text>
        <Space wrap>
          <Switch
            size="small"
            checked={autoPrint}
            onChange={(on) => {
              setAutoPrint(on);
              localStorage.setItem(AUTO_PRINT_KEY, on ? '1' : '0');
            }}
          />
          <span>{t('入库后自动打印标签')}</span>
          <Button size="small" disabled={!done} onClick={() => queue.clearDone()}>
            {t('清空已入库')}
          </Button>
        </Space>
      </Flex>
      <div className="kd-desk-list" data-testid="desk-list">
        {[...scans].reverse().map((s) => (
          <ScanRow key={s.key} s={s} t={t} onPrint={() => s.parcel && print([s.parcel])} onRemove={() => queue.remove(s.key)} />
        ))}
      </div>
    </div>
  );
}
