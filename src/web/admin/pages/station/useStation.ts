// What the station screens share: the community the desk works for (remembered on this device),
// its shelves and its couriers.
import { useState } from 'react';
import { api } from '../../../api.js';
import type { Community, Courier, Page, Shelf } from '../../../api-types.js';
import { useCommunities, useLoad } from '../../common.js';

const COMMUNITY_KEY = 'kd.desk.community';

function stored(): number | undefined {
  try {
    const n = Number(localStorage.getItem(COMMUNITY_KEY));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The desk's community: the one chosen last on this device if the clerk still has it, else the first. */
export function useDeskCommunity(): { communities: Community[]; community: Community | undefined; setCommunityId: (id: number) => void; loading: boolean } {
  const { communities, loading } = useCommunities();
  const [chosen, setChosen] = useState(stored);
  const community = communities.find((c) => c.id === chosen) ?? communities[0];
  const setCommunityId = (id: number) => {
    setChosen(id);
    try {
      localStorage.setItem(COMMUNITY_KEY, String(id));
    } catch {
      // private mode: remembered for this page only
    }
  };
  return { communities, community, setCommunityId, loading };
}

export function useShelves(communityId: number | undefined): { shelves: Shelf[]; loading: boolean; reload: () => void } {
  const { data, loading, reload } = useLoad(
    () => (communityId ? api.get<{ items: Shelf[] }>(`/api/communities/${communityId}/shelves`) : Promise.resolve({ items: [] })),
    [communityId],
  );
  return { shelves: data?.items ?? [], loading, reload };
}

export function useCouriers(communityId: number | undefined): Courier[] {
  const { data } = useLoad(
    () => (communityId ? api.get<Page<Courier>>('/api/couriers', { communityId, pageSize: 200 }) : Promise.resolve({ items: [], total: 0 })),
    [communityId],
  );
  return data?.items ?? [];
}
