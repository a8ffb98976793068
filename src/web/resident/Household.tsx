// 家人代领: the phones the resident lets see and collect their parcels (at most 5; each is told
// by SMS), and the parcels of the residents who authorized this phone.
import { Button, Dialog, Form, Input, List, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import type { Page, Parcel } from '../api-types.js';
import { useT } from '../i18n.js';
import { PhoneInput } from '../mobile/controls.js';
import { MOBILE_EN } from '../mobile/format.js';
import { ResidentParcelCard } from './ResidentParcelCard.js';

interface Member {
  phone: string;
  name: string | null;
}

const EN = {
  ...MOBILE_EN,
  我授权的家人: 'People I authorized',
  '他们可以查看并代领您的快递（最多5人），添加后对方会收到短信。': 'They can see and collect your parcels (at most 5); each gets an SMS when added.',
  家人手机号: 'Their mobile number',
  '称呼（选填）': 'Name (optional)',
  添加: 'Add',
  已添加: 'Added',
  取消授权: 'Remove',
  '取消对 {phone} 的授权？': 'Remove {phone}?',
  已取消授权: 'Removed',
  还没有授权家人: 'Nobody yet',
  我可代领的快递: 'Parcels I may collect',
  没有可代领的快递: 'None to collect',
} as const;

export function Household({ refreshed, onChanged }: { refreshed: number; onChanged?: () => void }) {
  const t = useT(EN);
  const [members, setMembers] = useState<Member[]>([]);
  const [parcels, setParcels] = useState<Parcel[]>([]);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [tick, setTick] = useState(0);
  const fail = (err: unknown) => Toast.show({ content: err instanceof ApiError ? err.message : String(err) });

  useEffect(() => {
    api.get<{ items: Member[] }>('/api/resident/household').then((r) => setMembers(r.items), fail);
    api.get<Page<Parcel>>('/api/resident/household/parcels').then((r) => setParcels(r.items), fail);
  }, [tick, refreshed]);

  const add = async () => {
    try {
      await api.post('/api/resident/household', { phone, ...(name.trim() ? { name: name.trim() } : {}) });
      Toast.show({ icon: 'success', content: t('已添加') });
      setPhone('');
      setName('');
      setTick((n) => n + 1);
    } catch (err) {
      fail(err);
    }
  };
  const remove = async (m: Member) => {
    if (!(await Dialog.confirm({ content: t('取消对 {phone} 的授权？', { phone: m.phone }) }))) return;
    try {
      await api.del(`/api/resident/household/${m.phone}`);
      Toast.show({ content: t('已取消授权') });
      setTick((n) => n + 1);
    } catch (err) {
      fail(err);
    }
  };

  return (
    <div data-testid="household">
      <List header={t('我授权的家人')}>
        {members.length === 0 && <List.Item>{t('还没有授权家人')}</List.Item>}
        {members.map((m) => (
          <List.Item
            key={m.phone}
            description={m.name ?? undefined}
            extra={
              <Button size="small" color="danger" fill="outline" className="kd-tap" onClick={() => void remove(m)}>
                {t('取消授权')}
              </Button>
            }
          >
            {m.phone}
          </List.Item>
        ))}
      </List>
      <Form
        layout="vertical"
        footer={
          <Button block color="primary" disabled={phone.length !== 11} onClick={() => void add()}>
            {t('添加')}
          </Button>
        }
      >
        <Form.Header>{t('他们可以查看并代领您的快递（最多5人），添加后对方会收到短信。')}</Form.Header>
        <Form.Item label={t('家人手机号')}>
          <PhoneInput label={t('家人手机号')} placeholder={t('家人手机号')} value={phone} onChange={setPhone} />
        </Form.Item>
        <Form.Item label={t('称呼（选填）')}>
          <Input aria-label={t('称呼（选填）')} maxLength={20} value={name} onChange={setName} />
        </Form.Item>
      </Form>
      <List header={t('我可代领的快递')}>{parcels.length === 0 && <List.Item>{t('没有可代领的快递')}</List.Item>}</List>
      {parcels.map((p) => (
        <ResidentParcelCard key={p.id} parcel={p} onChanged={onChanged} />
      ))}
    </div>
  );
}
