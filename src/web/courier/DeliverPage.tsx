import { Button, Dialog, ErrorBlock, Form, Input, List, NavBar, NoticeBar, Picker, Toast, type InputRef } from 'antd-mobile';
import { ScanCodeOutline } from 'antd-mobile-icons';
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { guessCarrier } from '../../shared/carrier-guess.js';
import { MOBILE_SHAPE, TRACKING_NO_PATTERN } from '../../shared/constants.js';
import { api } from '../api.js';
import type { ParcelPreference } from '../api-types.js';
import { useT } from '../i18n.js';
import { COURIER_EN } from './en.js';
import { type Outbox, useOutbox } from './outbox.js';
import { PendingList } from './PendingList.js';
import { PhoneInput } from '../mobile/controls.js';
import { refusesCollect } from '../preferences.js';

const Scanner = lazy(() => import('./Scanner.js'));
const loadScanner = () => void import('./Scanner.js');

const COMMUNITY_KEY = 'kd.courier.community';

export interface CourierCommunity {
  communityId: number;
  communityName: string;
  carrier: string;
}

interface Props {
  communities: CourierCommunity[];
  outbox: Outbox;
  actions: ReactNode;
}

type Recipient = { name: string; address: string } | null;

/** 收件偏好 (SPEC §19): what the courier is told when the resident did not consent to the desk. */
const PREFERENCE_BANNERS = { door: '该住户要求送货上门', other: '该住户不同意代收（选择了其他方式）' } as const;

/** 派送快递: community, tracking number (typed or scanned), recipient phone and name, 提交. */
export function DeliverPage({ communities, outbox, actions }: Props) {
  const t = useT(COURIER_EN);
  const queued = useOutbox(outbox);
  const [communityId, setCommunityId] = useState<number | undefined>(() => {
    const saved = Number(localStorage.getItem(COMMUNITY_KEY));
    return communities.find((c) => c.communityId === saved)?.communityId ?? communities[0]?.communityId;
  });
  const [pickerOpen, setPickerOpen] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [trackingNo, setTrackingNo] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [recipient, setRecipient] = useState<Recipient>(null);
  /** The recipient's preference, for the phone typed (null: none said, or not a full phone yet). */
  const [preference, setPreference] = useState<{ phone: string; mode: ParcelPreference['mode'] } | null>(null);
  /** The tracking number whose carrier's pre-advice filled the phone (shown as a hint until it changes). */
  const [advisedFor, setAdvisedFor] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const confirming = useRef(false);
  const trackingRef = useRef<InputRef>(null);
  const phoneRef = useRef<InputRef>(null);
  const nameRef = useRef<InputRef>(null);
  const community = communities.find((c) => c.communityId === communityId);

  // A phone of a resident of this community: show who and where, for the courier to confirm.
  // Their 收件偏好 too: a resident who wants the door (or another way) is not to be left at the desk.
  useEffect(() => {
    setRecipient(null);
    setPreference(null);
    if (!community || !MOBILE_SHAPE.test(phone)) return;
    let live = true;
    api.get<{ recipient: Recipient }>('/api/courier/recipient', { communityId: community.communityId, phone }).then(
      (r) => live && setRecipient(r.recipient),
      () => undefined, // only a hint: without it the courier types the name
    );
    api.get<ParcelPreference>('/api/courier/preference', { communityId: community.communityId, phone }).then(
      (r) => live && setPreference({ phone, mode: r.mode }),
      () => undefined, // 404: the resident said nothing, so no banner
    );
    return () => {
      live = false;
    };
  }, [community, phone]);

  if (!community) {
    return (
      <div className="kd-page">
        <NavBar back={null} right={actions}>
          {t('派送快递')}
        </NavBar>
        <ErrorBlock status="empty" title={t('您还没有负责的小区')} description={t('请联系物业前台登记快递员信息')} />
      </div>
    );
  }

  const tracking = trackingNo.trim().toUpperCase();
  const advised = advisedFor !== '' && advisedFor === tracking;
  const guessed = tracking ? guessCarrier(tracking) : null;
  const refusal = preference && preference.phone === phone && refusesCollect(preference.mode) ? preference.mode : null;

  /**
   * 扫描单号显示手机号: once a number is scanned or entered (not at every key), the carrier's
   * pre-advice fills the phone and name, when the courier has typed none yet.
   */
  function fillFromPreAdvice(number: string) {
    const no = number.trim().toUpperCase();
    if (!community || phone || !TRACKING_NO_PATTERN.test(no)) return;
    api.get<{ recipientPhone: string; recipientName: string | null }>('/api/courier/pre-advice', { communityId: community.communityId, trackingNo: no }).then(
      (r) => {
        setPhone((p) => p || r.recipientPhone);
        if (r.recipientName) setName((n) => n || (r.recipientName ?? ''));
        setAdvisedFor(no);
      },
      () => undefined, // nothing known (404), or limited: the courier types the phone
    );
  }

  function chooseCommunity(id: number) {
    setCommunityId(id);
    localStorage.setItem(COMMUNITY_KEY, String(id));
  }

  async function submit() {
    if (!community || busy) return;
    if (!tracking) return setError(t('请输入快递单号'));
    if (!TRACKING_NO_PATTERN.test(tracking)) return setError(t('快递单号为3到40位字母、数字或 -'));
    if (!MOBILE_SHAPE.test(phone)) return setError(t('请输入收件人手机号'));
    if (!name.trim()) return setError(t('请输入收件人姓名'));
    setError('');
    if (refusal) {
      if (confirming.current) return;
      confirming.current = true;
      const go = await Dialog.confirm({ content: t('该住户未同意代收，仍要放入代收点吗？'), confirmText: t('仍然提交'), cancelText: t('取消') });
      confirming.current = false;
      if (!go) return;
    }
    setBusy(true);
    const body = { communityId: community.communityId, trackingNo: tracking, recipientPhone: phone, recipientName: name.trim() };
    const r = await outbox.submit(body, community.communityName);
    setBusy(false);
    if (r.ok) Toast.show({ icon: 'success', content: t('提交成功') });
    else if (r.retrying) Toast.show({ content: t('网络异常，已保存到待发送，恢复后自动重发'), duration: 3000 });
    if (!r.ok && !r.retrying) {
      // Refused (a duplicate number, the app closed …): the form keeps what was typed to fix it.
      outbox.remove(r.key);
      setError(r.error);
      return;
    }
    setTrackingNo('');
    setPhone('');
    setName('');
    trackingRef.current?.focus();
  }

  return (
    <div className="kd-page">
      <NavBar back={null} right={actions}>
        {t('派送快递')}
      </NavBar>
      <List mode="card">
        <List.Item
          extra={community.communityName}
          clickable={communities.length > 1}
          arrowIcon={communities.length > 1}
          onClick={communities.length > 1 ? () => setPickerOpen(true) : undefined}
        >
          {t('小区')}
        </List.Item>
        <List.Item extra={community.carrier}>{t('快递公司')}</List.Item>
      </List>
      <Picker
        title={t('选择小区')}
        columns={[communities.map((c) => ({ label: c.communityName, value: String(c.communityId) }))]}
        visible={pickerOpen}
        value={[String(community.communityId)]}
        onClose={() => setPickerOpen(false)}
        onConfirm={(v) => v[0] && chooseCommunity(Number(v[0]))}
      />
      <Form layout="vertical" mode="card">
        <Form.Item
          label={t('快递单号')}
          extra={
            <button type="button" className="kd-nav-action" aria-label={t('扫码')} onClick={() => setScanning(true)} onPointerEnter={loadScanner}>
              <ScanCodeOutline fontSize={24} />
            </button>
          }
          description={
            guessed && (
              <span className={guessed === community.carrier ? 'kd-muted' : 'kd-warn'} data-testid="carrier-hint">
                {t('单号格式像{carrier}的单号', { carrier: guessed })}
                {guessed !== community.carrier && t('，与您在本小区的快递公司（{mine}）不同，请核对', { mine: community.carrier })}
              </span>
            )
          }
        >
          <Input
            ref={trackingRef}
            aria-label={t('快递单号')}
            placeholder={t('请输入或扫描快递单号')}
            autoCapitalize="characters"
            autoComplete="off"
            maxLength={40}
            value={trackingNo}
            onChange={(v) => setTrackingNo(v.toUpperCase())}
            onFocus={loadScanner}
            onBlur={() => fillFromPreAdvice(trackingNo)}
            onEnterPress={() => {
              fillFromPreAdvice(trackingNo);
              phoneRef.current?.focus();
            }}
            clearable
          />
        </Form.Item>
        <Form.Item
          label={t('收件人手机')}
          description={
            (advised || recipient || refusal) && (
              <>
                {refusal && (
                  <NoticeBar data-testid="preference-banner" color="error" wrap content={t(PREFERENCE_BANNERS[refusal])} style={{ marginBottom: 4 }} />
                )}
                {advised && (
                  <div className="kd-muted" data-testid="pre-advice-hint">
                    {t('快递公司已预报该单号的收件人')}
                  </div>
                )}
                {recipient && (
                  <div className="kd-recipient" data-testid="recipient-hint">
                    <span>
                      {t('本小区住户')}：{recipient.name} · {community.communityName} {recipient.address}
                    </span>
                    {name.trim() !== recipient.name && (
                      <Button size="mini" color="primary" fill="outline" className="kd-tap" onClick={() => setName(recipient.name)}>
                        {t('确认收件人')}
                      </Button>
                    )}
                  </div>
                )}
              </>
            )
          }
        >
          <PhoneInput
            inputRef={phoneRef}
            label={t('收件人手机')}
            placeholder={t('请输入收件人手机号')}
            value={phone}
            onChange={setPhone}
            onEnterPress={() => nameRef.current?.focus()}
          />
        </Form.Item>
        <Form.Item label={t('收件人姓名')}>
          <Input
            ref={nameRef}
            aria-label={t('收件人姓名')}
            maxLength={50}
            placeholder={t('请输入收件人姓名')}
            value={name}
            onChange={setName}
            onEnterPress={submit}
            clearable
          />
        </Form.Item>
      </Form>
      {error && (
        <div className="kd-error" role="alert">
          {error}
        </div>
      )}
      <div className="kd-section">
        <Button block color="primary" size="large" loading={busy} onClick={submit}>
          {t('提交')}
        </Button>
      </div>
      <PendingList outbox={outbox} entries={queued} />
      {scanning && (
        <Suspense fallback={null}>
          <Scanner
            onResult={(text) => {
              setScanning(false);
              setTrackingNo(text.trim().toUpperCase());
              fillFromPreAdvice(text);
              // Next comes the recipient's phone (the keyboard opens where a tap would put it).
              setTimeout(() => phoneRef.current?.focus(), 0);
            }}
            onClose={() => setScanning(false)}
          />
        </Suspense>
      )}
    </div>
  );
}
