// The confirmations of 快递记录, worded as the guide words them: 接收 (外观有破损, 是 / 否), 拒收
// (an optional reason, 拒收 / 取消), 领取 (`¥36.00 用户是否已缴纳保管费并领取包裹？`, 是 / 否) and 撤销.
import { App, Checkbox, Input, Select } from 'antd';
import { useRef, type ReactNode } from 'react';
import { api, ApiError } from '../../../api.js';
import type { BatchResult, Parcel } from '../../../api-types.js';
import { useT, type T } from '../../../i18n.js';
import { formatFen } from '../../../../shared/fee.js';
import { EXCEPTION_KIND_LABELS, EXCEPTION_KINDS, type ExceptionKind } from '../../../../shared/parcel-status.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { PaidTag } from './PaidTag.js';
import { EN } from './en.js';

export type BatchKind = 'receive' | 'reject';

/**
 * The guide's pickup question, `¥36.00 用户是否已缴纳保管费并领取包裹？` 是 / 否, with 是 focused so
 * that Enter answers it; `changed` says the fee moved since the clerk last saw it. A fee the
 * resident paid online (`paidFen`, nothing due) shows as 已支付 instead: there is no fee to ask about.
 */
export function pickupQuestion(t: T, feeFen: number, changed: boolean, paidFen: number | null = null) {
  return {
    title:
      paidFen !== null && feeFen === 0 ? (
        <span data-testid="pickup-question">
          <PaidTag t={t} fen={paidFen} /> {t('保管费已在线支付，确认用户领取包裹？')}
        </span>
      ) : (
        <span data-testid="pickup-question">
          <strong style={{ fontSize: 18 }}>{formatFen(feeFen)}</strong> {t('用户是否已缴纳保管费并领取包裹？')}
        </span>
      ),
    content: changed ? <div style={{ color: '#d46b08' }}>{t('保管费已变为 {fee}，请向用户重新确认', { fee: formatFen(feeFen) })}</div> : null,
    okText: t('是'),
    cancelText: t('否'),
    focusable: { autoFocusButton: 'ok' as const },
  };
}

export interface DialogEvents {
  /** A parcel the clerk just changed: the API's answer, and the row it was. */
  onChanged: (after: Parcel, before: Parcel) => void;
  /** A batch answered: what was done and what failed, for the parcels that were ticked. */
  onBatch: (kind: BatchKind, result: BatchResult, parcels: Parcel[]) => void;
  /** The list is out of date: a call failed (another clerk was quicker) or the fee moved on. */
  onStale: () => void;
  /** A pickup dialog closed and was not followed by another (the fee had changed). */
  onPickupClosed: () => void;
}

export interface ParcelDialogs {
  receive: (p: Parcel) => void;
  reject: (p: Parcel) => void;
  pickup: (p: Parcel) => void;
  waive: (p: Parcel) => void;
  receiveMany: (ps: Parcel[]) => void;
  rejectMany: (ps: Parcel[]) => void;
  /** 问题件 (a kind and a note), 解决, 退回 (a reason), 已取回. */
  flag: (p: Parcel) => void;
  resolve: (p: Parcel) => void;
  returnToCourier: (p: Parcel) => void;
  handOver: (p: Parcel) => void;
}

/** Opens the screen's confirmations; each calls the API, reports success or the API's error, and tells `events`. */
export function useParcelDialogs(events: DialogEvents): ParcelDialogs {
  const { modal } = App.useApp();
  const { ok, fail } = useFeedback();
  const t = useT(EN, COMMON_EN);
  // The dialog answers after the page has re-rendered: always tell the newest handlers.
  const on = useRef(events);
  on.current = events;

  /** Runs a call for onOk: the dialog closes either way, an error is shown, never thrown. */
  const attempt = async (call: () => Promise<void>) => {
    try {
      await call();
    } catch (err) {
      fail(err);
      on.current.onStale();
    }
  };

  const damagedBox = (choice: { damaged: boolean }): ReactNode => (
    <Checkbox style={{ marginTop: 8 }} onChange={(e) => (choice.damaged = e.target.checked)}>
      {t('外观有破损')}
    </Checkbox>
  );
  const reasonBox = (choice: { reason: string }): ReactNode => (
    <Input
      style={{ marginTop: 8 }}
      maxLength={200}
      placeholder={t('拒收原因（选填）')}
      aria-label={t('拒收原因（选填）')}
      onChange={(e) => (choice.reason = e.target.value)}
    />
  );
  const howMany = (n: number): ReactNode => <div style={{ color: 'rgba(0, 0, 0, 0.45)' }}>{t('已选 {n} 个', { n })}</div>;
  const reasonOf = (choice: { reason: string }) => choice.reason.trim() || undefined;

  const receive = (p: Parcel) => {
    const choice = { damaged: false };
    modal.confirm({
      title: t('请确认是否要接收包裹'),
      content: damagedBox(choice),
      okText: t('是'),
      cancelText: t('否'),
      focusable: { autoFocusButton: 'ok' },
      onOk: () =>
        attempt(async () => {
          const after = await api.post<Parcel>(`/api/parcels/${p.id}/receive`, { damaged: choice.damaged });
          ok(t('已接收'));
          on.current.onChanged(after, p);
        }),
    });
  };

  const reject = (p: Parcel) => {
    const choice = { reason: '' };
    modal.confirm({
      title: t('请确认是否要拒收包裹'),
      content: reasonBox(choice),
      okText: t('拒收'),
      okButtonProps: { danger: true },
      cancelText: t('取消'),
      onOk: () =>
        attempt(async () => {
          const after = await api.post<Parcel>(`/api/parcels/${p.id}/reject`, { reason: reasonOf(choice) });
          ok(t('已拒收包裹'));
          on.current.onChanged(after, p);
        }),
    });
  };

  // The fee asked is the fee sent: when the API answers that it changed (a day turned, another
  // clerk waived it), the dialog comes back with the new amount, to be confirmed with the resident.
  const pickup = (p: Parcel, feeFen = p.feeFen, changed = false) => {
    let newFee: number | null = null;
    modal.confirm({
      ...pickupQuestion(t, feeFen, changed, p.feePaidAt ? p.feePaidFen : null),
      onOk: async () => {
        try {
          const after = await api.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen });
          ok(t('领取成功'));
          on.current.onChanged(after, p);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'fee_changed' && typeof err.body.feeFen === 'number') newFee = err.body.feeFen;
          else fail(err);
          on.current.onStale();
        }
      },
      afterClose: () => {
        if (newFee !== null) pickup(p, newFee, true);
        else on.current.onPickupClosed();
      },
    });
  };

  const waive = (p: Parcel) => {
    modal.confirm({
      title: t('确认撤销该包裹的保管费 {fee}？', { fee: formatFen(p.feeFen) }),
      okText: t('确认'),
      cancelText: t('取消'),
      onOk: () =>
        attempt(async () => {
          const after = await api.post<Parcel>(`/api/parcels/${p.id}/waive-fee`);
          ok(t('保管费已撤销'));
          on.current.onChanged(after, p);
        }),
    });
  };

  const receiveMany = (ps: Parcel[]) => {
    const choice = { damaged: false };
    modal.confirm({
      title: t('请确认是否要接收包裹'),
      content: (
        <div>
          {howMany(ps.length)}
          <div>{damagedBox(choice)}</div>
        </div>
      ),
      okText: t('是'),
      cancelText: t('否'),
      focusable: { autoFocusButton: 'ok' },
      onOk: () =>
        attempt(async () => {
          const result = await api.post<BatchResult>('/api/parcels/receive', { ids: ps.map((p) => p.id), damaged: choice.damaged });
          on.current.onBatch('receive', result, ps);
        }),
    });
  };

  const rejectMany = (ps: Parcel[]) => {
    const choice = { reason: '' };
    modal.confirm({
      title: t('请确认是否要拒收包裹'),
      content: (
        <div>
          {howMany(ps.length)}
          {reasonBox(choice)}
        </div>
      ),
      okText: t('拒收'),
      okButtonProps: { danger: true },
      cancelText: t('取消'),
      onOk: () =>
        attempt(async () => {
          const result = await api.post<BatchResult>('/api/parcels/reject', { ids: ps.map((p) => p.id), reason: reasonOf(choice) });
          on.current.onBatch('reject', result, ps);
        }),
    });
  };

  /** A confirmation whose 确认 makes one move and reports it. */
  const move = (p: Parcel, o: { title: string; content?: ReactNode; okText: string; danger?: boolean; call: () => Promise<Parcel>; done: string }) =>
    modal.confirm({
      title: o.title,
      content: o.content,
      okText: o.okText,
      okButtonProps: o.danger ? { danger: true } : {},
      cancelText: t('取消'),
      onOk: () =>
        attempt(async () => {
          const after = await o.call();
          ok(o.done);
          on.current.onChanged(after, p);
        }),
    });

  const flag = (p: Parcel) => {
    const choice: { kind: ExceptionKind; note: string } = { kind: 'damaged', note: '' };
    move(p, {
      title: t('标记为问题件'),
      content: (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 8, marginTop: 8 }}>
          <Select<ExceptionKind>
            aria-label={t('问题类型')}
            defaultValue={choice.kind}
            onChange={(v) => (choice.kind = v)}
            options={EXCEPTION_KINDS.map((k) => ({ value: k, label: t(EXCEPTION_KIND_LABELS[k]) }))}
          />
          <Input maxLength={200} placeholder={t('备注（选填）')} aria-label={t('备注（选填）')} onChange={(e) => (choice.note = e.target.value)} />
        </div>
      ),
      okText: t('确认'),
      call: () => api.post<Parcel>(`/api/parcels/${p.id}/exception`, { kind: choice.kind, note: choice.note.trim() || undefined }),
      done: t('已标记为问题件'),
    });
  };
  const resolve = (p: Parcel) =>
    move(p, {
      title: t('问题已解决，重新待领取？'),
      content: t('将生成新的领取码并通知收件人'),
      okText: t('确认'),
      call: () => api.post<Parcel>(`/api/parcels/${p.id}/resolve`),
      done: t('已重新待领取'),
    });
  const returnToCourier = (p: Parcel) => {
    const choice = { reason: '' };
    move(p, {
      title: t('确认退回给快递员？'),
      content: (
        <Input
          style={{ marginTop: 8 }}
          maxLength={100}
          placeholder={t('退回原因（选填）')}
          aria-label={t('退回原因（选填）')}
          onChange={(e) => (choice.reason = e.target.value)}
        />
      ),
      okText: t('退回'),
      danger: true,
      call: () => api.post<Parcel>(`/api/parcels/${p.id}/return`, { reason: reasonOf(choice) }),
      done: t('已退回，已通知快递员'),
    });
  };
  const handOver = (p: Parcel) =>
    move(p, {
      title: t('快递员已取回该包裹？'),
      okText: t('确认'),
      call: () => api.post<Parcel>(`/api/parcels/${p.id}/handover`),
      done: t('已登记取回'),
    });

  return { receive, reject, pickup: (p) => pickup(p), waive, receiveMany, rejectMany, flag, resolve, returnToCourier, handOver };
}
