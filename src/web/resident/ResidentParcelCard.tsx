import { QRCodeSVG } from '@rc-component/qrcode';
import { Tag } from 'antd-mobile';
import type { ReactNode } from 'react';
import type { Parcel } from '../api-types.js';
import { useT } from '../i18n.js';
import { MOBILE_EN, STATUS_COLOR, formatFen, formatRatePerDay, formatShanghai, spacedCode } from '../mobile/format.js';
import { PAY_EN, PayFeeButton } from './pay.js';

const RESIDENT_STATUS: Record<Parcel['status'], string> = {
  pending_receipt: '待接收',
  awaiting_pickup: '已接收',
  rejected: '已拒收',
  picked_up: '已领取',
  exception: '处理中',
  returned: '已退回',
};

const EN = {
  ...MOBILE_EN,
  出示领取码或二维码领取: 'Show the code or the QR code at the desk',
  货架号: 'Shelf',
  '超过1天按{rate}收取': 'After the first day: {rate}',
  '快递员已录入，等待物业前台接收': 'Entered by the courier; the front desk has not received it yet',
  '已在线支付，领取时无需再付': 'Paid online: nothing to pay at the desk',
};

/**
 * One parcel as its resident sees it: where it is, the pickup code (large, and as a QR code for
 * the desk's scanner) while it waits, and the fee as of now, with 支付保管费 while one is due (or
 * 已支付 once paid online). No courier's or other person's data. `onChanged`: it was paid.
 */
export function ResidentParcelCard({ parcel: p, onChanged }: { parcel: Parcel; onChanged?: () => void }) {
  const t = useT(EN, PAY_EN);
  return (
    <article className="kd-card" aria-label={`${t('快递单号')} ${p.trackingNo}`}>
      <div className="kd-card-head">
        <span className="kd-card-title">
          {p.carrier} {p.trackingNo}
        </span>
        <Tag color={STATUS_COLOR[p.status]} fill="outline">
          {t(RESIDENT_STATUS[p.status])}
        </Tag>
      </div>
      {p.pickupCode && (
        <div className="kd-pickup">
          <div>
            <div className="kd-muted">{t('领取码')}</div>
            <div className="kd-pickup-code" data-testid="pickup-code">
              {spacedCode(p.pickupCode)}
            </div>
            <div className="kd-muted">{t('出示领取码或二维码领取')}</div>
          </div>
          <QRCodeSVG value={p.pickupCode} size={96} marginSize={1} aria-label={`${t('领取码')} QR`} />
        </div>
      )}
      <Row label={t('小区')} value={p.communityName} />
      <Row label={t('代收点')} value={p.collectionPointName} />
      {p.status === 'awaiting_pickup' && p.shelfLabel && <Row label={t('货架号')} value={<b data-testid="shelf-label">{p.shelfLabel}</b>} />}
      {p.status === 'pending_receipt' && (
        <div className="kd-muted" style={{ marginTop: 6 }}>
          {t('快递员已录入，等待物业前台接收')}
        </div>
      )}
      {p.status === 'awaiting_pickup' && (
        <>
          <Row label={t('接收时间')} value={formatShanghai(p.receivedAt)} />
          <Row
            label={t('保管费')}
            value={
              p.feePaidAt ? (
                <span data-testid="fee">
                  <Tag color="success">{t('已支付 {fee}', { fee: formatFen(p.feePaidFen ?? 0) })}</Tag>
                </span>
              ) : (
                <span data-testid="fee">
                  <b>{formatFen(p.feeFen)}</b>
                  {p.feeRateFen ? <span className="kd-muted"> （{t('超过1天按{rate}收取', { rate: formatRatePerDay(p.feeRateFen) })}）</span> : null}
                </span>
              )
            }
          />
          {p.feePaidAt ? (
            <div className="kd-muted" style={{ marginTop: 6 }}>
              {t('已在线支付，领取时无需再付')}
            </div>
          ) : (
            p.feeFen > 0 && (
              <div className="kd-card-actions">
                <PayFeeButton parcel={p} onPaid={onChanged} />
              </div>
            )
          )}
        </>
      )}
      {p.status === 'picked_up' && (
        <>
          <Row label={t('领取时间')} value={formatShanghai(p.pickedUpAt)} />
          <Row label={t('已缴保管费')} value={formatFen(p.feeChargedFen ?? 0)} />
        </>
      )}
      {p.status === 'rejected' && (
        <>
          <Row label={t('拒收时间')} value={formatShanghai(p.rejectedAt)} />
          {p.rejectReason && <Row label={t('拒收原因')} value={p.rejectReason} />}
        </>
      )}
      {p.damaged && (
        <Tag color="danger" style={{ marginTop: 8 }}>
          {t('外观有破损')}
        </Tag>
      )}
    </article>
  );
}

/** A label and its value, one line of a card. */
export function Row({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="kd-card-row">
      <span>{label}</span>
      <span>{value}</span>
    </div>
  );
}
