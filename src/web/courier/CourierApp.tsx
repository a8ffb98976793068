// The courier app (小区快递 for couriers): sign in (registering on the first time), 派送快递 and
// 派送记录, with the 待发送 queue retried in the background and 拒收提醒 on opening.
import { TabBar } from 'antd-mobile';
import { TruckOutline, UnorderedListOutline } from 'antd-mobile-icons';
import { useEffect, useMemo } from 'react';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { useT } from '../i18n.js';
import { NavActions } from '../mobile/controls.js';
import { PhoneLogin } from '../mobile/PhoneLogin.js';
import { useMobileSession } from '../mobile/session.js';
import { DeliverPage } from './DeliverPage.js';
import { COURIER_EN } from './en.js';
import { RETRY_EVERY_MS, outboxFor, type Outbox } from './outbox.js';
import { RecordsPage } from './RecordsPage.js';
import { useRejectionNotice } from './rejections.js';

export function CourierApp() {
  const t = useT(COURIER_EN);
  const navigate = useNavigate();
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <PhoneLogin
            purpose="courier"
            title={t('小区快递 · 快递员')}
            subtitle={t('快递员登录后派送快递到物业代收点')}
            onSignedIn={() => navigate('/', { replace: true })}
          />
        }
      />
      <Route path="*" element={<CourierShell />} />
    </Routes>
  );
}

/** Sends waiting entries again every few seconds, when the network comes back and on opening. */
function useAutoRetry(outbox: Outbox | null) {
  useEffect(() => {
    if (!outbox) return;
    const retry = () => void outbox.retryWaiting();
    retry();
    const timer = setInterval(() => {
      if (outbox.snapshot().some((e) => e.state === 'waiting')) retry();
    }, RETRY_EVERY_MS);
    window.addEventListener('online', retry);
    return () => {
      clearInterval(timer);
      window.removeEventListener('online', retry);
    };
  }, [outbox]);
}

function CourierShell() {
  const t = useT(COURIER_EN);
  const { me, load, signOut } = useMobileSession('courier');
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const outbox = useMemo(() => (me ? outboxFor(me.courier.phone) : null), [me]);

  useEffect(() => {
    void load();
  }, [load]);
  useAutoRetry(outbox);
  useRejectionNotice(me?.courier.phone ?? null, () => navigate('/records?status=rejected'));

  if (!me || !outbox) return null;
  const actions = <NavActions onSignOut={signOut} />;
  const tab = pathname.startsWith('/records') ? '/records' : '/';
  return (
    <>
      <Routes>
        <Route path="/records" element={<RecordsPage actions={actions} />} />
        <Route path="*" element={<DeliverPage communities={me.communities} outbox={outbox} actions={actions} />} />
      </Routes>
      <div className="kd-tabbar">
        <TabBar activeKey={tab} onChange={(key) => navigate(key)}>
          <TabBar.Item key="/" icon={<TruckOutline />} title={t('派送快递')} />
          <TabBar.Item key="/records" icon={<UnorderedListOutline />} title={t('派送记录')} />
        </TabBar>
      </div>
    </>
  );
}
