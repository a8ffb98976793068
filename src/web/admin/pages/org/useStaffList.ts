import { api } from '../../../api.js';
import type { Page, Staff } from '../../../api-types.js';
import { useLoad } from '../../common.js';

const NONE: Staff[] = [];

/** Every staff member of the org (GET /api/staff answers them all; the table pages them). */
export function useStaffList(): { staff: Staff[]; loading: boolean; reload: () => void } {
  const { data, loading, reload } = useLoad(() => api.get<Page<Staff>>('/api/staff'), []);
  return { staff: data?.items ?? NONE, loading, reload };
}
