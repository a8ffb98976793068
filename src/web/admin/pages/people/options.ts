import { CARRIERS } from '../../../../shared/carriers.js';
import type { Community } from '../../../api-types.js';

/** The carriers to choose from, by their stored names. */
export const CARRIER_OPTIONS = CARRIERS.map((c) => ({ value: c.name, label: c.name }));

/** The org's communities as select options (value: the id). */
export function communityOptions(communities: Community[]): { value: number; label: string }[] {
  return communities.map((c) => ({ value: c.id, label: c.name }));
}

/** A select searches its options by their shown name. */
export const SEARCH_BY_LABEL = { optionFilterProp: 'label' };
