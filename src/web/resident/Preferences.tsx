// 收件偏好 (SPEC §19): per community, whether the resident consents to the desk holding their
// parcels (代收), wants them at the door (送货上门) or arranges it otherwise (其他); optionally a
// different choice for one carrier. One tap saves. The first sign-in after this arrived asks once.
import { Button, Collapse, Dialog, List, Picker, Radio, Selector, Space, Toast } from 'antd-mobile';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { CARRIERS } from '../../shared/carriers.js';
import { api, errorMessage } from '../api.js';
import type { PreferenceMode, ResidentPreference } from '../api-types.js';
import { useT, type T } from '../i18n.js';
import { MOBILE_EN, formatShanghai } from '../mobile/format.js';
import { isPreferenceMode, PREFERENCE_EN, PREFERENCE_MODE_LABELS, PREFERENCE_MODES } from '../preferences.js';

interface PreferenceList {
  items: ResidentPreference[];
  total: number;
}

/** What each choice says to the resident. */
const CHOICE_LABELS: Record<PreferenceMode, string> = {
  collect: '同意代收：快递放在服务点，我来取',
  door: '请送货上门',
  other: '其他方式（快递柜或与快递员约定）',
};

export const PREFERENCES_EN = {
  ...MOBILE_EN,
  ...PREFERENCE_EN,
  '同意代收：快递放在服务点，我来取': 'I agree: keep my parcels at the service point, I collect them',
  请送货上门: 'Please deliver to my door',
  '其他方式（快递柜或与快递员约定）': 'Another way (a parcel locker, or as agreed with the courier)',
  '同意时间 {at}': 'Agreed {at}',
  已保存: 'Saved',
  按快递公司设置: 'By carrier',
  可为某家快递公司单独设置收件方式: 'Choose another way for one carrier',
  请选择: 'Choose',
  选择快递公司: 'Choose a carrier',
  添加: 'Add',
  删除: 'Remove',
  请先选择收件方式: 'Choose how you receive parcels first',
  '{carrier}：{mode}': '{carrier}: {mode}',
  '根据《快递市场管理办法》，快递放入代收点需要您的同意。':
    'Under the Express Delivery Market Regulations, a parcel may be left at a collection point only with your consent.',
  您还没有登记在任何小区: 'You are not registered in any community yet',
  '您希望怎样收快递？': 'How would you like to receive parcels?',
  '根据《快递市场管理办法》，快递放入代收点需要您的同意。请选择您在{community}的收件方式，之后可在“收件偏好”中随时修改。':
    'Under the Express Delivery Market Regulations, a parcel may be left at a collection point only with your consent. Choose how you receive parcels at {community}; you can change it any time under “Delivery preference”.',
  稍后再说: 'Later',
} as const;

// The list, shared by the page and the first-sign-in dialog: a save in one shows in the other.
let current: PreferenceList | null = null;
const listeners = new Set<() => void>();
function publish(next: PreferenceList): void {
  current = next;
  for (const l of listeners) l();
}
function usePreferenceList(): PreferenceList | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

async function loadPreferences(): Promise<PreferenceList> {
  const r = await api.get<PreferenceList>('/api/resident/preferences');
  publish(r);
  return r;
}

/** Saves one community's choice (and its carriers' when given); the answer is the whole list. */
async function savePreference(body: { communityId: number; mode: PreferenceMode; carriers?: Record<string, PreferenceMode> }): Promise<void> {
  publish(await api.put<PreferenceList>('/api/resident/preferences', body));
}

const fail = (err: unknown) => Toast.show({ content: errorMessage(err) });

/** The 收件偏好 tab: one card per community of the resident. */
export function Preferences({ refreshed }: { refreshed: number }) {
  const t = useT(PREFERENCES_EN);
  const list = usePreferenceList();
  useEffect(() => {
    loadPreferences().catch(fail);
  }, [refreshed]);

  return (
    <div data-testid="preferences">
      <div className="kd-section-title">{t('根据《快递市场管理办法》，快递放入代收点需要您的同意。')}</div>
      {list && list.items.length === 0 && <List.Item>{t('您还没有登记在任何小区')}</List.Item>}
      {list?.items.map((item) => (
        <CommunityPreference key={item.communityId} item={item} t={t} />
      ))}
    </div>
  );
}

function CommunityPreference({ item, t }: { item: ResidentPreference; t: T }) {
  const [busy, setBusy] = useState(false);
  const save = async (mode: PreferenceMode, carriers?: Record<string, PreferenceMode>) => {
    if (busy) return;
    setBusy(true);
    try {
      await savePreference({ communityId: item.communityId, mode, ...(carriers ? { carriers } : {}) });
      Toast.show({ icon: 'success', content: t('已保存') });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const id = item.communityId;

  return (
    <section className="kd-card" aria-label={item.communityName} data-testid={`pref-${id}`}>
      <div className="kd-card-head">
        <span className="kd-card-title">{item.communityName}</span>
      </div>
      <Radio.Group value={item.mode} disabled={busy} onChange={(v) => isPreferenceMode(v) && void save(v, item.carriers)}>
        <Space direction="vertical" block style={{ marginTop: 10, '--gap-vertical': '14px' }}>
          {PREFERENCE_MODES.map((m) => (
            <Radio key={m} value={m} block className="kd-tap" data-testid={`pref-${id}-${m}`}>
              {t(CHOICE_LABELS[m])}
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      {item.mode === 'collect' && item.consentAt && (
        <div className="kd-muted" style={{ marginTop: 8 }} data-testid={`pref-${id}-consent`}>
          {t('同意时间 {at}', { at: formatShanghai(item.consentAt) })}
        </div>
      )}
      <Collapse style={{ marginTop: 8 }}>
        <Collapse.Panel key="carriers" title={t('按快递公司设置')}>
          <CarrierModes item={item} t={t} busy={busy} onSave={(carriers) => item.mode && void save(item.mode, carriers)} />
        </Collapse.Panel>
      </Collapse>
    </section>
  );
}

/** 按快递公司设置: the carriers with a choice of their own, and a row to add one. */
function CarrierModes({
  item,
  t,
  busy,
  onSave,
}: {
  item: ResidentPreference;
  t: T;
  busy: boolean;
  onSave: (carriers: Record<string, PreferenceMode>) => void;
}) {
  const [pickerOpen, setPickerOpen] = useState(false);
  const [carrier, setCarrier] = useState<string>();
  const [mode, setMode] = useState<PreferenceMode>();
  const set = Object.entries(item.carriers);
  const choices = CARRIERS.filter((c) => c.name !== '其他' && !(c.name in item.carriers));
  const id = item.communityId;

  const add = () => {
    if (!carrier || !mode) return;
    onSave({ ...item.carriers, [carrier]: mode });
    setCarrier(undefined);
    setMode(undefined);
  };
  const remove = (name: string) => onSave(Object.fromEntries(set.filter(([c]) => c !== name)));

  return (
    <div data-testid={`pref-${id}-carriers`}>
      <div className="kd-muted">{t('可为某家快递公司单独设置收件方式')}</div>
      {set.length > 0 && (
        <List style={{ '--padding-left': '0', '--border-top': 'none' }}>
          {set.map(([name, m]) => (
            <List.Item
              key={name}
              data-testid={`pref-${id}-carrier`}
              extra={
                <Button size="small" color="danger" fill="outline" className="kd-tap" disabled={busy} onClick={() => remove(name)}>
                  {t('删除')}
                </Button>
              }
            >
              {t('{carrier}：{mode}', { carrier: name, mode: t(PREFERENCE_MODE_LABELS[m]) })}
            </List.Item>
          ))}
        </List>
      )}
      {item.mode === null ? (
        <div className="kd-warn" style={{ marginTop: 8 }}>
          {t('请先选择收件方式')}
        </div>
      ) : (
        <>
          <List style={{ '--padding-left': '0', '--border-top': 'none', '--border-bottom': 'none' }}>
            <List.Item clickable extra={carrier ?? t('请选择')} onClick={() => setPickerOpen(true)} aria-label={t('选择快递公司')}>
              {t('快递公司')}
            </List.Item>
          </List>
          <Picker
            title={t('选择快递公司')}
            columns={[choices.map((c) => ({ label: c.name, value: c.name }))]}
            visible={pickerOpen}
            value={carrier ? [carrier] : []}
            onClose={() => setPickerOpen(false)}
            onConfirm={(v) => setCarrier(v[0] ? String(v[0]) : undefined)}
          />
          <Selector<PreferenceMode>
            columns={3}
            options={PREFERENCE_MODES.map((m) => ({ value: m, label: t(PREFERENCE_MODE_LABELS[m]) }))}
            value={mode ? [mode] : []}
            onChange={(v) => setMode(v[0])}
          />
          <Button block color="primary" fill="outline" style={{ marginTop: 10 }} disabled={busy || !carrier || !mode} onClick={add}>
            {t('添加')}
          </Button>
        </>
      )}
    </div>
  );
}

const askedKey = (phone: string) => `kd-pref-asked:${phone}`;
function wasAsked(phone: string): boolean {
  try {
    return localStorage.getItem(askedKey(phone)) !== null;
  } catch {
    return false;
  }
}
function markAsked(phone: string): void {
  try {
    localStorage.setItem(askedKey(phone), new Date().toISOString());
  } catch {
    // private mode: asked again next time
  }
}

/**
 * The first sign-in after 收件偏好 arrived: for each community without a choice, one dialog asks
 * it (once per phone on this device; 稍后再说 counts as asked).
 */
export function FirstPreferenceAsk({ phone }: { phone: string }) {
  const t = useT(PREFERENCES_EN);
  const [queue, setQueue] = useState<ResidentPreference[]>([]);
  const [visible, setVisible] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (wasAsked(phone)) return;
    let live = true;
    loadPreferences().then(
      (r) => {
        const open = r.items.filter((i) => i.mode === null);
        if (!live || open.length === 0 || wasAsked(phone)) return;
        markAsked(phone);
        setQueue(open);
        setVisible(true);
      },
      () => undefined, // not now: asked at a later start
    );
    return () => {
      live = false;
    };
  }, [phone]);

  const shown = queue[0];
  const next = () => {
    if (queue.length > 1) setQueue((q) => q.slice(1));
    else setVisible(false);
  };
  const choose = async (mode: PreferenceMode) => {
    if (!shown || saving) return;
    setSaving(true);
    try {
      await savePreference({ communityId: shown.communityId, mode });
      Toast.show({ icon: 'success', content: t('已保存') });
      next();
    } catch (err) {
      fail(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      visible={visible}
      title={t('您希望怎样收快递？')}
      content={
        <div data-testid="preference-ask">
          {t('根据《快递市场管理办法》，快递放入代收点需要您的同意。请选择您在{community}的收件方式，之后可在“收件偏好”中随时修改。', {
            community: shown?.communityName ?? '',
          })}
        </div>
      }
      actions={[
        ...PREFERENCE_MODES.map((m) => ({ key: m, text: t(CHOICE_LABELS[m]), bold: m === 'collect', disabled: saving })),
        { key: 'later', text: t('稍后再说'), disabled: saving },
      ]}
      onAction={(a) => {
        if (a.key === 'later') setVisible(false);
        else if (isPreferenceMode(a.key)) void choose(a.key);
      }}
      afterClose={() => setQueue([])}
    />
  );
}
