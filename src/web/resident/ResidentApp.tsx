// The resident app (小区快递): sign in with phone + SMS code, then the parcels addressed to that
// phone in tabs 待接收 / 已接收 / 已拒收 / 已领取.
import { Route, Routes, useNavigate } from 'react-router';
import { useT } from '../i18n.js';
import { PhoneLogin } from '../mobile/PhoneLogin.js';
import { MOBILE_EN } from '../mobile/format.js';
import { MyParcels } from './MyParcels.js';

export function ResidentApp() {
  const t = useT(MOBILE_EN, {
    小区快递: 'Community parcels',
    登录后查看寄给本手机号的快递和领取码: 'Sign in to see the parcels sent to your number and their pickup codes',
  });
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
      <Route path="*" element={<MyParcels />} />
    </Routes>
  );
}
