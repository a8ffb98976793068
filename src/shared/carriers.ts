/**
 * The major Chinese express carriers: the one list that couriers, imports and carrier hints use.
 * `name` is how the carrier is stored and shown; `aliases` are what people also write.
 */
export const CARRIERS: readonly { name: string; aliases: readonly string[] }[] = [
  { name: '顺丰速运', aliases: ['顺丰', '顺丰快递', 'SF', 'SF Express'] },
  { name: '中通快递', aliases: ['中通', 'ZTO'] },
  { name: '圆通速递', aliases: ['圆通', '圆通快递', 'YTO'] },
  { name: '申通快递', aliases: ['申通', 'STO'] },
  { name: '韵达快递', aliases: ['韵达', '韵达速递', 'Yunda'] },
  { name: '百世', aliases: ['百世快递', '百世汇通', '汇通', 'BEST', 'Best Express'] },
  { name: '极兔速递', aliases: ['极兔', '极兔快递', 'J&T', 'J&T Express'] },
  { name: '京东快递', aliases: ['京东', '京东物流', 'JD', 'JD Logistics'] },
  { name: '中国邮政', aliases: ['邮政', '邮政快递包裹', '邮政包裹', 'China Post'] },
  { name: 'EMS', aliases: ['邮政EMS', '中国邮政EMS', 'EMS快递'] },
  { name: '德邦快递', aliases: ['德邦', '德邦物流', 'Deppon'] },
  { name: '天天快递', aliases: ['天天'] },
  { name: '宅急送', aliases: ['ZJS'] },
  { name: '优速快递', aliases: ['优速'] },
  { name: '跨越速运', aliases: ['跨越'] },
  { name: '丹鸟', aliases: ['丹鸟快递', '丹鸟物流'] },
  { name: '菜鸟速递', aliases: ['菜鸟'] },
  { name: '众邮快递', aliases: ['众邮'] },
  { name: '安能物流', aliases: ['安能', '安能快递'] },
  { name: '其他', aliases: ['其它', 'Other'] },
];

const byKey = new Map<string, string>();
for (const c of CARRIERS) {
  for (const k of [c.name, ...c.aliases]) byKey.set(carrierKey(k), c.name);
}

function carrierKey(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** The carrier's stored name for a name or alias (`顺丰` → `顺丰速运`), or null when unknown. */
export function canonicalCarrier(input: string): string | null {
  return byKey.get(carrierKey(input)) ?? null;
}
