import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function ResidentsPage(): ReactNode {
  return <div>ResidentsPage</div>;
}
