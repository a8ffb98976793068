import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useLang } from '../i18n.js';
import { ConsoleLayout } from './ConsoleLayout.js';
import { RequireAdmin, SessionGate, useSession } from './session.js';

const LoginPage = lazy(() => import('./pages/LoginPage.js'));
const DashboardPage = lazy(() => import('./pages/DashboardPage.js'));
const ParcelsPage = lazy(() => import('./pages/ParcelsPage.js'));
const CouriersPage = lazy(() => import('./pages/CouriersPage.js'));
const ResidentsPage = lazy(() => import('./pages/ResidentsPage.js'));
const SettingsPage = lazy(() => import('./pages/SettingsPage.js'));
const StaffPage = lazy(() => import('./pages/StaffPage.js'));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage.js'));
const AppsPage = lazy(() => import('./pages/AppsPage.js'));
const ChangePasswordPage = lazy(() => import('./pages/ChangePasswordPage.js'));
const IntakePage = lazy(() => import('./pages/IntakePage.js'));
const CheckoutPage = lazy(() => import('./pages/CheckoutPage.js'));
const DeliveriesPage = lazy(() => import('./pages/DeliveriesPage.js'));
const ShipmentsPage = lazy(() => import('./pages/ShipmentsPage.js'));
const ShelvesPage = lazy(() => import('./pages/ShelvesPage.js'));
const IntegrationsPage = lazy(() => import('./pages/IntegrationsPage.js'));
const AuditPage = lazy(() => import('./pages/AuditPage.js'));

const REDUCED_MOTION = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

function Loading(): ReactNode {
  return <Spin style={{ display: 'block', margin: '80px auto' }} />;
}

/** The console's screens, unless the password must be changed first: then only that. */
function PasswordGate(): ReactNode {
  const { me } = useSession();
  return me.staff.mustChangePassword ? <ChangePasswordPage forced /> : <ConsoleLayout />;
}

/** The console: sign-in, then the menu's screens, each loaded when first opened. */
export function AdminApp(): ReactNode {
  const lang = useLang();
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      // Motion off for people who asked their system for less of it (and for the browser tests,
      // which ask too: a click never lands on a dialog still zooming in).
      theme={{ token: { colorPrimary: '#1677ff', borderRadius: 4, motion: !REDUCED_MOTION } }}
      // The guide's labels exactly: 接收, not 接 收.
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <SessionGate>
                  <PasswordGate />
                </SessionGate>
              }
            >
              {/* 数据看板 is where the console opens, for admins and clerks alike. */}
              <Route index element={<Navigate to="/dashboard" replace />} />
              <Route path="/dashboard" element={<DashboardPage />} />
              <Route path="/parcels" element={<ParcelsPage />} />
              <Route path="/intake" element={<IntakePage />} />
              <Route path="/checkout" element={<CheckoutPage />} />
              <Route path="/deliveries" element={<DeliveriesPage />} />
              <Route path="/shipments" element={<ShipmentsPage />} />
              <Route path="/shelves" element={<ShelvesPage />} />
              <Route path="/couriers" element={<CouriersPage />} />
              <Route path="/settings" element={<SettingsPage />} />
              <Route path="/residents" element={<ResidentsPage />} />
              <Route
                path="/staff"
                element={
                  <RequireAdmin>
                    <StaffPage />
                  </RequireAdmin>
                }
              />
              <Route
                path="/notifications"
                element={
                  <RequireAdmin>
                    <NotificationsPage />
                  </RequireAdmin>
                }
              />
              <Route
                path="/integrations"
                element={
                  <RequireAdmin>
                    <IntegrationsPage />
                  </RequireAdmin>
                }
              />
              <Route
                path="/audit"
                element={
                  <RequireAdmin>
                    <AuditPage />
                  </RequireAdmin>
                }
              />
              <Route path="/apps" element={<AppsPage />} />
              <Route path="/password" element={<ChangePasswordPage />} />
              <Route path="*" element={<Navigate to="/dashboard" replace />} />
            </Route>
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}
