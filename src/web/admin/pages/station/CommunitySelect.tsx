import { Select } from 'antd';
import type { ReactNode } from 'react';
import type { Community } from '../../../api-types.js';

/** The desk's community picker of the station screens. */
export function CommunitySelect({
  label,
  communities,
  value,
  onChange,
}: {
  label: string;
  communities: Community[];
  value: number | undefined;
  onChange: (id: number) => void;
}): ReactNode {
  return (
    <Select aria-label={label} style={{ minWidth: 160 }} value={value} options={communities.map((c) => ({ value: c.id, label: c.name }))} onChange={onChange} />
  );
}
