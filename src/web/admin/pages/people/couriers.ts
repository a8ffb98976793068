import type { Courier } from '../../../api-types.js';
import type { PeopleConfig } from './types.js';

/** 快递员管理: the guide's columns and form, keyed by phone and 派送小区 (SPEC §4). */
export const COURIERS: PeopleConfig<Courier> = {
  path: '/api/couriers',
  labels: {
    add: '添加快递员',
    edit: '修改快递员',
    export: '导出快递员信息',
    template: '下载标准快递员信息模版',
    importDoc: '导入快递员信息Excel文档 (csv, xls, xlsx格式)',
    overwrite: '快递员电话及派送小区相同时，覆盖原有信息',
  },
  columns: [
    { key: 'communityName', title: '派送小区' },
    { key: 'carrier', title: '快递公司' },
    { key: 'name', title: '姓名' },
    { key: 'phone', title: '手机' },
  ],
  fields: [
    { name: 'communityId', label: '派送小区', kind: 'community', keep: true },
    { name: 'name', label: '姓名', kind: 'text', max: 50 },
    { name: 'phone', label: '手机', kind: 'phone' },
    { name: 'carrier', label: '快递公司', kind: 'carrier' },
  ],
  filters: [
    { param: 'communityId', kind: 'community', placeholder: '全部小区' },
    { param: 'carrier', kind: 'carrier', placeholder: '全部快递公司' },
  ],
  en: {
    添加快递员: 'Add courier',
    修改快递员: 'Edit courier',
    导出快递员信息: 'Export couriers',
    下载标准快递员信息模版: 'to download the standard couriers template',
    '导入快递员信息Excel文档 (csv, xls, xlsx格式)': 'Import the couriers spreadsheet (csv, xls or xlsx)',
    '快递员电话及派送小区相同时，覆盖原有信息': 'A row with the phone and community of an existing courier overwrites it',
    派送小区: 'Community',
    快递公司: 'Carrier',
    全部快递公司: 'All carriers',
  },
};
