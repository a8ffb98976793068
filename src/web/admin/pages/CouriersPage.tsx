import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function CouriersPage(): ReactNode {
  return <div>CouriersPage</div>;
}
