// 拒收提醒: parcels the front desk rejected since the courier last looked, shown once on opening.
import { Dialog } from 'antd-mobile';
import { createElement, useEffect } from 'react';
import { api } from '../api.js';
import type { Page, Parcel } from '../api-types.js';
import { currentLang, translate } from '../i18n.js';
import { COURIER_EN } from './en.js';

/** On a device that never looked, rejections of the last week count as new. */
const FIRST_LOOK_MS = 7 * 24 * 3_600_000;

/** The notice is made outside React's render (Dialog.show), so it reads the language directly. */
const tr = (zh: string) => translate(currentLang(), zh, [COURIER_EN]);

/** Shows the new rejections once per courier and device; remembers the newest one seen. */
export function useRejectionNotice(courierPhone: string | null, onOpenRecords: () => void) {
  useEffect(() => {
    if (!courierPhone) return;
    const key = `kd.courier.rejectionsSeen.${courierPhone}`;
    const seen = localStorage.getItem(key) ?? new Date(Date.now() - FIRST_LOOK_MS).toISOString();
    let live = true;
    let handler: { close: () => void } | undefined;
    api.get<Page<Parcel>>('/api/courier/parcels', { status: 'rejected', pageSize: 50 }).then(
      (r) => {
        const fresh = r.items.filter((p) => p.rejectedAt && p.rejectedAt > seen);
        if (!live || fresh.length === 0) return;
        const newest = fresh.reduce((m, p) => ((p.rejectedAt ?? '') > m ? (p.rejectedAt ?? '') : m), seen);
        const markSeen = () => localStorage.setItem(key, newest);
        handler = Dialog.show({
          title: tr('拒收提醒'),
          content: createElement(
            'div',
            { 'data-testid': 'rejection-notice' },
            createElement('p', null, tr('物业前台拒收了以下快递：')),
            createElement(
              'ul',
              { className: 'kd-reject-list' },
              fresh.map((p) => createElement('li', { key: p.id }, `${p.communityName} ${p.trackingNo}：${p.rejectReason || tr('未填写原因')}`)),
            ),
          ),
          closeOnAction: true,
          actions: [
            [
              { key: 'records', text: tr('查看派送记录'), onClick: () => (markSeen(), onOpenRecords()) },
              { key: 'ok', text: tr('知道了'), bold: true, onClick: markSeen },
            ],
          ],
        });
      },
      () => undefined,
    );
    return () => {
      live = false;
      handler?.close();
    };
    // onOpenRecords is a fresh closure each render; the notice is shown once per courier.
  }, [courierPhone]);
}
