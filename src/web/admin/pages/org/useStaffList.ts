import { useCallback, useEffect, useState } from 'react';
import { api } from '../../../api.js';
import type { Page, Staff } from '../../../api-types.js';
import { useFeedback } from '../../common.js';

/** Every staff member of the org (GET /api/staff answers them all; the table pages them). */
export function useStaffList(): { staff: Staff[]; loading: boolean; reload: () => void } {
  const [staff, setStaff] = useState<Staff[]>([]);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const { fail } = useFeedback();
  useEffect(() => {
    let current = true;
    setLoading(true);
    api
      .get<Page<Staff>>('/api/staff')
      .then((p) => {
        if (current) setStaff(p.items);
      })
      .catch((err: unknown) => {
        if (current) fail(err);
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  return { staff, loading, reload: useCallback(() => setTick((n) => n + 1), []) };
}
