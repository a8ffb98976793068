// The five stats calls of one view, read together: the cards, charts and tables always show the
// same range and community (an answer to an older view is dropped by useLoad).
import { api } from '../../../api.js';
import type { StatsCarrierRow, StatsCommunityRow, StatsCourierRow, StatsDay, StatsSummaryReply } from '../../../api-types.js';
import { useLoad } from '../../common.js';
import type { StatsQuery } from './range.js';

export interface Stats {
  summary: StatsSummaryReply;
  daily: StatsDay[];
  couriers: StatsCourierRow[];
  carriers: StatsCarrierRow[];
  communities: StatsCommunityRow[];
}

interface Items<T> {
  items: T[];
}

/** The figures of a range and community, read again when either changes or on `reload()`. */
export function useStats(query: StatsQuery): { stats: Stats | undefined; loading: boolean; reload: () => void } {
  const { data, loading, reload } = useLoad(async (): Promise<Stats> => {
    const [summary, daily, couriers, carriers, communities] = await Promise.all([
      api.get<StatsSummaryReply>('/api/stats/summary', query),
      api.get<Items<StatsDay>>('/api/stats/daily', query),
      api.get<Items<StatsCourierRow>>('/api/stats/by-courier', query),
      api.get<Items<StatsCarrierRow>>('/api/stats/by-carrier', query),
      api.get<Items<StatsCommunityRow>>('/api/stats/by-community', query),
    ]);
    return { summary, daily: daily.items, couriers: couriers.items, carriers: carriers.items, communities: communities.items };
  }, [query.from, query.to, query.communityId]);
  return { stats: data, loading, reload };
}
