import { Form, Radio, Select } from 'antd';
import type { ReactNode } from 'react';
import type { Community } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { clerkCommunityRules } from './staffForm.js';

/** 角色 and 负责小区 of a staff form: an admin manages every community, a clerk the chosen ones. */
export function RoleFields({
  t,
  role,
  communities,
  isSelf = false,
}: {
  t: T;
  role: 'admin' | 'clerk' | undefined;
  communities: Community[];
  isSelf?: boolean;
}): ReactNode {
  return (
    <>
      <Form.Item label={t('角色')} name="role" extra={isSelf ? t('不能取消自己的管理员权限') : undefined}>
        <Radio.Group
          optionType="button"
          disabled={isSelf}
          options={[
            { label: t('前台'), value: 'clerk' },
            { label: t('管理员'), value: 'admin' },
          ]}
        />
      </Form.Item>
      {role === 'admin' ? (
        <Form.Item label={t('负责小区')}>
          <span>{t('管理员可以管理全部小区')}</span>
        </Form.Item>
      ) : (
        <Form.Item
          label={t('负责小区')}
          name="communityIds"
          rules={clerkCommunityRules(t)}
          extra={communities.length === 0 ? t('还没有小区，请先在代收设置中添加') : t('前台只能看到所选小区的快递、快递员和住户')}
        >
          <Select mode="multiple" allowClear optionFilterProp="label" options={communities.map((c) => ({ label: c.name, value: c.id }))} />
        </Form.Item>
      )}
    </>
  );
}
