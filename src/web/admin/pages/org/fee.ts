// The custody fee as the console edits it: typed in 元/天, stored in fen (SPEC §5). The checks
// mirror the server's (0 to 100 元, whole fen), so a wrong amount is refused before it is sent.
import type { FormRule } from 'antd';
import { MAX_FEE_RATE_FEN } from '../../../../shared/constants.js';
import type { T } from '../../../i18n.js';

export const FEE_EN = {
  保管费: 'Custody fee',
  '元/天': 'yuan/day',
  请输入保管费: 'Enter the custody fee',
  保管费须是0到100之间的数字: 'The custody fee must be a number from 0 to 100',
  保管费最多两位小数: 'The custody fee has at most two decimals',
  '(保管费是住户超过1天未领取按照{x}元收费)': '(a resident who leaves a parcel uncollected for more than 1 day pays {x} yuan a day)',
  '什么是快递代收保管费？': 'What is the custody fee?',
  快递代收保管费: 'Custody fee',
  '快递由前台接收后开始计时，24小时内免费；此后每满24小时收取一天的保管费。':
    'The clock starts when the front desk receives a parcel. The first 24 hours are free; each further full 24 hours adds one day’s fee.',
  '例如保管费为2元/天，12-21 10:48 接收的快递在 01-08 下午领取，已满18天，收费¥36.00。':
    'For example, at 2 yuan/day a parcel received on 12-21 at 10:48 and collected on the afternoon of 01-08 has been kept 18 full days: ¥36.00.',
  '收费按接收时的保管费计算：修改只影响之后接收的快递。被拒收的快递不收费，前台也可以为单个快递撤销保管费。':
    'The fee is the one in force when the parcel was received: a change applies to parcels received afterwards. Rejected parcels cost nothing, and the front desk can waive a parcel’s fee.',
} as const;

const AMOUNT = /^\d+(\.\d{1,2})?$/;

/** The typed amount in 元 as fen, or null when it is not a valid fee (empty, negative, above 100 元, three decimals). */
export function yuanToFen(typed: string | number | null | undefined): number | null {
  const text = String(typed ?? '').trim();
  if (!AMOUNT.test(text)) return null;
  // Rounded because 1.15 × 100 is 114.99999999999999 in floating point.
  const fen = Math.round(Number(text) * 100);
  return fen <= MAX_FEE_RATE_FEN ? fen : null;
}

/** The form rules of a fee field, with a message that says what is wrong. */
export function feeRules(t: T): FormRule[] {
  return [
    { required: true, message: t('请输入保管费') },
    {
      validator: async (_rule, value: string | number | null | undefined) => {
        const text = String(value ?? '').trim();
        if (text === '') return;
        if (/^\d+\.\d{3,}$/.test(text)) throw new Error(t('保管费最多两位小数'));
        if (yuanToFen(text) === null) throw new Error(t('保管费须是0到100之间的数字'));
      },
    },
  ];
}

/** What the note shows for X: the amount as typed while it is a number, else X. */
export function noteAmount(typed: string | number | null | undefined): string {
  const text = String(typed ?? '').trim();
  return /^\d+(\.\d+)?$/.test(text) ? text : 'X';
}
