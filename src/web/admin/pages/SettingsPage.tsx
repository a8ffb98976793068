import type { ReactNode } from 'react';

/** Placeholder until the screen is built. */
export default function SettingsPage(): ReactNode {
  return <div>SettingsPage</div>;
}
