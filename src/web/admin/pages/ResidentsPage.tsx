import type { ReactNode } from 'react';
import type { Resident } from '../../api-types.js';
import { PeopleScreen } from './people/PeopleScreen.js';
import { RESIDENTS } from './people/residents.js';

/** 住户管理 (SPEC §11). */
export default function ResidentsPage(): ReactNode {
  return <PeopleScreen<Resident> config={RESIDENTS} />;
}
