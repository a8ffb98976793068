// Who is signed in to a mobile app: `/api/me` of the right kind, else the sign-in screen.
import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, setUnauthorizedHandler } from '../api.js';
import type { Me } from '../api-types.js';

type Kind = 'courier' | 'resident';

const WECHAT_TRIED = 'kd.wechat.tried';

/** Whether to send the user through WeChat's authorization now (once a browser session). */
function shouldBindWechat(me: Me): boolean {
  if (me.kind === 'staff' || !me.wechat.enabled || me.wechat.bound) return false;
  return /MicroMessenger/i.test(navigator.userAgent) && sessionStorage.getItem(WECHAT_TRIED) === null;
}

/** The signed-in user of this app's kind; `null` while loading; a 401 anywhere opens /login. */
export function useMobileSession<K extends Kind>(kind: K) {
  const navigate = useNavigate();
  const [me, setMe] = useState<Extract<Me, { kind: K }> | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api.get<Me>('/api/me');
      if (r.kind !== kind) throw new Error('another kind of session');
      if (shouldBindWechat(r)) {
        // Inside WeChat with the official account set up: a silent authorization binds this
        // phone to the WeChat user once, so that notices arrive in WeChat too.
        sessionStorage.setItem(WECHAT_TRIED, '1');
        window.location.assign(`/api/wechat/authorize?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        return;
      }
      setMe(r as Extract<Me, { kind: K }>);
    } catch {
      setMe(null);
      navigate('/login', { replace: true });
    }
  }, [kind, navigate]);

  useEffect(() => {
    setUnauthorizedHandler(() => navigate('/login', { replace: true }));
    return () => setUnauthorizedHandler(null);
  }, [navigate]);

  const signOut = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    setMe(null);
    navigate('/login', { replace: true });
  }, [navigate]);

  return { me, load, signOut };
}
