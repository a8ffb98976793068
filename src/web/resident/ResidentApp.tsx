// The resident app (小区快递): sign in with phone + SMS code, then the parcels addressed to that
// phone in tabs 待接收 / 已接收 / 已拒收 / 已领取, and the services around them (SPEC §16):
// 送货上门 and 代寄, each loaded when first opened. A resident who has not said how they receive
// parcels (收件偏好, SPEC §19) is asked once.
import { TabBar } from 'antd-mobile';
import { SendOutline, TruckOutline, UnorderedListOutline } from 'antd-mobile-icons';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useT } from '../i18n.js';
import { NavActions } from '../mobile/controls.js';
import { PhoneLogin } from '../mobile/PhoneLogin.js';
import { MOBILE_EN } from '../mobile/format.js';
import { useMobileSession } from '../mobile/session.js';
import { MyParcels } from './MyParcels.js';
import { FirstPreferenceAsk } from './Preferences.js';

const DeliveryPage = lazy(() => import('./DeliveryPage.js'));
const SendPage = lazy(() => import('./SendPage.js'));

const EN = {
  ...MOBILE_EN,
  小区快递: 'Community parcels',
  登录后查看寄给本手机号的快递和领取码: 'Sign in to see the parcels sent to your number and their pickup codes',
  我的快递: 'My parcels',
  送货上门: 'To my door',
  代寄: 'Send',
};

export function ResidentApp() {
  const t = useT(EN);
  const navigate = useNavigate();
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <PhoneLogin
            purpose="resident"
            title={t('小区快递')}
            subtitle={t('登录后查看寄给本手机号的快递和领取码')}
            onSignedIn={() => navigate('/', { replace: true })}
          />
        }
      />
      <Route path="*" element={<ResidentShell />} />
    </Routes>
  );
}

/** The signed-in app: its three screens and the tab bar between them. */
function ResidentShell() {
  const t = useT(EN);
  const { me, load, signOut } = useMobileSession('resident');
  const navigate = useNavigate();
  const { pathname } = useLocation();

  useEffect(() => {
    void load();
  }, [load]);

  if (!me) return null;
  const actions = <NavActions onSignOut={signOut} />;
  const tab = pathname.startsWith('/delivery') ? '/delivery' : pathname.startsWith('/send') ? '/send' : '/';
  return (
    <>
      <FirstPreferenceAsk phone={me.resident.phone} />
      <Suspense fallback={null}>
        <Routes>
          <Route path="/delivery" element={<DeliveryPage actions={actions} />} />
          <Route path="/send" element={<SendPage actions={actions} />} />
          <Route path="/preferences" element={<Navigate to="/?tab=preferences" replace />} />
          <Route path="*" element={<MyParcels actions={actions} />} />
        </Routes>
      </Suspense>
      <div className="kd-tabbar">
        <TabBar activeKey={tab} onChange={(key) => navigate(key)}>
          <TabBar.Item key="/" icon={<UnorderedListOutline />} title={t('我的快递')} />
          <TabBar.Item key="/delivery" icon={<TruckOutline />} title={t('送货上门')} />
          <TabBar.Item key="/send" icon={<SendOutline />} title={t('代寄')} />
        </TabBar>
      </div>
    </>
  );
}
