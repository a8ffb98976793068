// Who is signed in to a mobile app: `/api/me` of the right kind, else the sign-in screen.
import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, setUnauthorizedHandler } from '../api.js';
import type { Me } from '../api-types.js';

type Kind = 'courier' | 'resident';

/** The signed-in user of this app's kind; `null` while loading; a 401 anywhere opens /login. */
export function useMobileSession<K extends Kind>(kind: K) {
  const navigate = useNavigate();
  const [me, setMe] = useState<Extract<Me, { kind: K }> | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api.get<Me>('/api/me');
      if (r.kind !== kind) throw new Error('another kind of session');
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
