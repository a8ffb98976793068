import type { ReactNode } from 'react';
import type { Courier } from '../../api-types.js';
import { COURIERS } from './people/couriers.js';
import { PeopleScreen } from './people/PeopleScreen.js';

/** 快递员管理 (SPEC §4). */
export default function CouriersPage(): ReactNode {
  return <PeopleScreen<Courier> config={COURIERS} />;
}
