import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function NotificationsPage(): ReactNode {
  return <div>NotificationsPage</div>;
}
