import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function ParcelsPage(): ReactNode {
  return <div>ParcelsPage</div>;
}
