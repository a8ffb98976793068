import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function StaffPage(): ReactNode {
  return <div>StaffPage</div>;
}
