// 出库 (SPEC.md §14): one box takes the pickup code, the resident app's QR (a scanner reads it as
// the code), a shelf label or a phone's last 4 digits, and lists what that recipient has waiting
// with the summed fee. With the code, one Enter hands them all out (with a fee, the guide's
// question `¥X 用户是否已缴纳保管费并领取包裹？` first, Enter answers 是); a label or 4 digits alone
// asks for the code. The box is empty and focused again for the next resident.
import { Alert, App, Button, Flex, Input, Typography, type InputRef } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, api, errorMessage } from '../../api.js';
import type { CheckoutResult, Parcel } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { formatFen } from '../../../shared/fee.js';
import { maskPhone } from '../../../shared/phone.js';
import { formatShanghai } from '../../../shared/time.js';
import { COMMON_EN } from '../common.js';
import { STATION_EN } from './IntakePage.js';
import { EN as PARCELS_EN } from './parcels/en.js';
import { PaidTag } from './parcels/PaidTag.js';
import { pickupQuestion } from './parcels/dialogs.js';
import { beep } from './station/deskQueue.js';
import { CommunitySelect } from './station/CommunitySelect.js';
import { useDeskCommunity } from './station/useStation.js';
import './station/station.css';

const EN = {
  领取码或货架号或手机后4位: 'Pickup code, shelf label or last 4 digits of the phone',
  请输入领取码: 'Type the pickup code',
  没有待领取的包裹: 'Nothing waiting for this',
  '共 {n} 件，保管费合计 {fee}': '{n} parcels, custody fees {fee} in all',
  '已出库 {n} 件': '{n} handed out',
  '{n} 件未能出库：{why}': '{n} not handed out: {why}',
  '货架号或手机后4位不能代替领取码，请住户出示领取码': 'A shelf label or 4 digits are not enough: ask the resident for the pickup code',
  货架号: 'Shelf',
  收件人: 'Recipient',
  入库时间: 'Received',
  保管费: 'Fee',
} as const;

interface Found extends CheckoutResult {
  key: string;
}

/** The 出库 screen: the key box, the recipient's waiting parcels with the total, and the last result. */
export default function CheckoutPage(): ReactNode {
  const t = useT(EN, STATION_EN, PARCELS_EN, COMMON_EN);
  const { modal } = App.useApp();
  const { communities, community, setCommunityId, loading: communitiesLoading } = useDeskCommunity();
  const [key, setKey] = useState('');
  const [code, setCode] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ type: 'success' | 'error' | 'warning'; text: string } | null>(null);
  const keyBox = useRef<InputRef>(null);
  const codeBox = useRef<InputRef>(null);
  // A scan whose Enter came before the clerk's communities had loaded is looked up once they have.
  const pending = useRef(false);
  useEffect(() => {
    keyBox.current?.focus();
    if (community && pending.current) {
      pending.current = false;
      void lookUp();
    }
  }, [community?.id]);
  // A label or 4 digits found the parcels: the code box takes the focus for the resident's code.
  useEffect(() => {
    if (found && !found.verified) codeBox.current?.focus();
  }, [found]);

  const problem = (text: string) => {
    beep('problem');
    setOutcome({ type: 'error', text });
  };
  const reset = () => {
    setFound(null);
    setKey('');
    setCode('');
    keyBox.current?.focus();
  };

  const handOut = async (items: Parcel[], totalFeeFen: number, releaseCode: string) => {
    setBusy(true);
    try {
      const r = await api.post<{ done: number[]; failed: { id: number; message: string }[] }>('/api/parcels/pickup', {
        ids: items.map((p) => p.id),
        totalFeeFen,
        code: releaseCode,
      });
      const why = [...new Set(r.failed.map((f) => f.message))].join('；');
      setOutcome(
        r.failed.length
          ? { type: 'warning', text: `${t('已出库 {n} 件', { n: r.done.length })}，${t('{n} 件未能出库：{why}', { n: r.failed.length, why })}` }
          : { type: 'success', text: t('已出库 {n} 件', { n: r.done.length }) },
      );
      reset();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'fee_changed' && typeof err.body.totalFeeFen === 'number') {
        // The fee moved (midnight, a waiver): the resident confirms the new sum.
        const total = err.body.totalFeeFen;
        setFound((f) => (f ? { ...f, totalFeeFen: total } : f));
        confirmFee(items, total, releaseCode, true);
      } else {
        problem(errorMessage(err));
        if (err instanceof ApiError && err.code === 'code_required') codeBox.current?.focus({ cursor: 'all' });
      }
    } finally {
      setBusy(false);
    }
  };

  // With a fee the guide asks first; 是 has the focus, so Enter answers it.
  const confirmFee = (items: Parcel[], totalFeeFen: number, releaseCode: string, changed = false) => {
    if (totalFeeFen === 0) {
      void handOut(items, 0, releaseCode);
      return;
    }
    modal.confirm({
      ...pickupQuestion(t, totalFeeFen, changed),
      onOk: () => handOut(items, totalFeeFen, releaseCode),
      afterClose: () => keyBox.current?.focus(),
    });
  };

  const lookUp = async () => {
    const k = key.trim();
    if (!k || busy) return;
    if (!community) {
      pending.current = true;
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const r = await api.get<CheckoutResult>('/api/parcels/checkout', { communityId: community.id, key: k });
      if (!r.items.length) {
        setFound(null);
        setKey('');
        problem(t('没有待领取的包裹'));
        return;
      }
      setFound({ ...r, key: k });
      if (r.verified) confirmFee(r.items, r.totalFeeFen, k);
    } catch (err) {
      problem(errorMessage(err));
      keyBox.current?.focus({ cursor: 'all' });
    } finally {
      setBusy(false);
    }
  };

  const withCode = () => {
    if (!found || !code.trim()) return;
    const typed = code.trim();
    // After this key's events: the Enter that asked must not also answer the question it opens.
    setTimeout(() => confirmFee(found.items, found.totalFeeFen, typed), 0);
  };

  if (!community && !communitiesLoading) return <Typography.Text type="secondary">{t('暂无小区，请先在代收设置中添加')}</Typography.Text>;
  return (
    <div>
      <Flex wrap gap={8} align="center">
        <CommunitySelect
          label={t('小区')}
          communities={communities}
          value={community?.id}
          onChange={(id: number) => {
            setCommunityId(id);
            reset();
          }}
        />
        <Input
          ref={keyBox}
          className="kd-desk-scan"
          data-testid="checkout-key"
          size="large"
          style={{ flex: '1 1 260px' }}
          autoComplete="off"
          placeholder={t('领取码或货架号或手机后4位')}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          onPressEnter={() => void lookUp()}
        />
      </Flex>
      {outcome && (
        <Alert
          style={{ marginTop: 12 }}
          type={outcome.type}
          showIcon
          title={outcome.text}
          data-testid="checkout-outcome"
          closable={{ onClose: () => setOutcome(null) }}
        />
      )}
      {found && (
        <div style={{ marginTop: 16 }} data-testid="checkout-found">
          <Flex wrap gap={12} align="baseline" justify="space-between">
            <span className="kd-total" data-testid="checkout-total">
              {t('共 {n} 件，保管费合计 {fee}', { n: found.items.length, fee: formatFen(found.totalFeeFen) })}
            </span>
            {!found.verified && (
              <Flex gap={8} wrap style={{ flex: '1 1 260px' }}>
                <Input
                  ref={codeBox}
                  data-testid="checkout-code"
                  size="large"
                  inputMode="numeric"
                  autoComplete="off"
                  style={{ flex: 1 }}
                  placeholder={t('请输入领取码')}
                  value={code}
                  onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
                  onPressEnter={withCode}
                />
                <Button size="large" type="primary" loading={busy} onClick={withCode}>
                  {t('确认')}
                </Button>
              </Flex>
            )}
          </Flex>
          {!found.verified && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              {t('货架号或手机后4位不能代替领取码，请住户出示领取码')}
            </Typography.Paragraph>
          )}
          <div className="kd-desk-list">
            {found.items.map((p) => (
              <div className="kd-desk-row" key={p.id} data-testid="checkout-row">
                <span className="kd-desk-label">{p.shelfLabel ?? '—'}</span>
                <span className="kd-desk-no">
                  {p.carrier} {p.trackingNo}
                </span>
                <span>
                  {p.recipientName} {maskPhone(p.recipientPhone)}
                </span>
                <span className="kd-sub">{p.receivedAt ? formatShanghai(p.receivedAt, true) : ''}</span>
                {p.feePaidAt ? (
                  <span style={{ marginInlineStart: 'auto' }}>
                    <PaidTag t={t} fen={p.feePaidFen} />
                  </span>
                ) : (
                  <strong style={{ marginInlineStart: 'auto' }}>{formatFen(p.feeFen)}</strong>
                )}
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
