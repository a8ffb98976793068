import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function AppsPage(): ReactNode {
  return <div>AppsPage</div>;
}
