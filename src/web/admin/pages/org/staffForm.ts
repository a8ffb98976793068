// What the staff forms share: the English of their labels and the server's rules for usernames
// and passwords (src/server/modules/staff/staff.schema.ts), checked before anything is sent.
import type { FormRule } from 'antd';
import type { T } from '../../../i18n.js';

export const STAFF_FORM_EN = {
  用户名: 'Username',
  密码: 'Password',
  新密码: 'New password',
  角色: 'Role',
  负责小区: 'Communities',
  请输入用户名: 'Enter the username',
  '用户名为3到64位字母、数字或 _ . @ -': 'A username has 3 to 64 letters, digits or _ . @ -',
  请输入密码: 'Enter the password',
  密码至少8位: 'A password has at least 8 characters',
  密码不能超过128位: 'A password has at most 128 characters',
  请选择角色: 'Choose a role',
  请选择前台负责的小区: 'Choose the communities this front desk serves',
  '前台只能看到所选小区的快递、快递员和住户': 'Front desk staff see only the parcels, couriers and residents of these communities',
  管理员可以管理全部小区: 'Admins manage every community',
  '还没有小区，请先在代收设置中添加': 'No communities yet: add them in Collection settings first',
} as const;

/** The username rules of the server. */
export function usernameRules(t: T): FormRule[] {
  return [
    { required: true, message: t('请输入用户名') },
    { pattern: /^[A-Za-z0-9_.@-]{3,64}$/, message: t('用户名为3到64位字母、数字或 _ . @ -') },
  ];
}

/** The password rules of the server. */
export function passwordRules(t: T): FormRule[] {
  return [
    { required: true, message: t('请输入密码') },
    { min: 8, message: t('密码至少8位') },
    { max: 128, message: t('密码不能超过128位') },
  ];
}

/** A clerk serves at least one community (with none the clerk would see nothing at all). */
export function clerkCommunityRules(t: T): FormRule[] {
  return [{ required: true, type: 'array', min: 1, message: t('请选择前台负责的小区') }];
}

/** 确认新密码: the same as the password in `field`. */
export function repeatPasswordRules(t: T, field: string): FormRule[] {
  return [
    { required: true, message: t('请输入密码') },
    ({ getFieldValue }) => ({
      validator: async (_rule, value: string | undefined) => {
        if (value && value !== getFieldValue(field)) throw new Error(t('两次输入的密码不一致'));
      },
    }),
  ];
}
