import type { ReactNode } from 'react';

export interface TabItem<K extends string> {
  key: K;
  label: string;
  count?: number;
}

/**
 * 待接收 / 待领取 / 全部 with their counts, in antd's tab look. A tablist of buttons: antd's Tabs
 * (11 kB gzipped, with overflow menus this bar never needs) would weigh on the first screen.
 */
export function ListTabs<K extends string>({ items, active, onChange }: { items: TabItem<K>[]; active: K; onChange: (key: K) => void }): ReactNode {
  return (
    <div className="kd-tabs" role="tablist">
      {items.map((it) => (
        <button key={it.key} type="button" role="tab" className="kd-tab" aria-selected={it.key === active} onClick={() => onChange(it.key)}>
          {it.label}
          {it.count !== undefined && (
            <span className="kd-tab-count" data-testid={`count-${it.key}`}>
              ({it.count})
            </span>
          )}
        </button>
      ))}
    </div>
  );
}
