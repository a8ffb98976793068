import { Alert, Spin } from 'antd';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, ApiError, errorMessage, setUnauthorizedHandler } from '../api.js';
import type { StaffMe } from '../api-types.js';
import { useT } from '../i18n.js';
import { COMMON_EN } from './common.js';

interface Session {
  me: StaffMe;
  isAdmin: boolean;
  /** Reads /api/me again (after the app is opened or closed, say). */
  reload: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in staff member; only inside SessionGate. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionGate');
  return s;
}

/** The login page's address that comes back to where the user was. */
export function loginPath(next: string): string {
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/**
 * Renders its children for a signed-in staff member. Without a session, or when any call later
 * answers 401 (the session expired or was ended), it sends the user to sign in, keeping the
 * page (and its query) asked for, so signing in again returns there.
 */
export function SessionGate({ children }: { children: ReactNode }): ReactNode {
  const [me, setMe] = useState<StaffMe | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const t = useT(COMMON_EN);
  const here = location.pathname + location.search;

  const load = useCallback(async () => {
    try {
      const answer = await api.get<StaffMe | { kind: string }>('/api/me');
      if (answer.kind === 'staff') setMe(answer as StaffMe);
      else setSignedOut(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setSignedOut(true);
      else setFailure(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      const { pathname, search } = window.location;
      const path = pathname.replace(/^\/admin/, '') || '/';
      // Several calls in flight answer 401 together: the first one has already gone to sign-in.
      if (path.startsWith('/login')) return;
      navigate(loginPath(path + search), { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate]);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      navigate('/login', { replace: true });
    }
  }, [navigate]);

  if (signedOut) return <Navigate to={loginPath(here)} replace />;
  if (failure) return <Alert type="error" showIcon style={{ margin: 48 }} title={t('无法连接服务器')} description={failure} />;
  if (!me) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  const session: Session = { me, isAdmin: me.staff.role === 'admin', reload: load, logout };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** Admin-only screens: a clerk who follows a link there is told, not shown an empty page. */
export function RequireAdmin({ children }: { children: ReactNode }): ReactNode {
  const { isAdmin } = useSession();
  const t = useT(COMMON_EN);
  if (!isAdmin) return <Alert type="warning" showIcon title={t('仅物业管理员可以使用此功能')} />;
  return children;
}
