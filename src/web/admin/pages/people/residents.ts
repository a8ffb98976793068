import type { Resident } from '../../../api-types.js';
import type { PeopleConfig } from './types.js';

/**
 * 住户管理. A resident is keyed by community, phone and home (楼栋/单元/房号), so one phone may have
 * several homes; an imported row with the same community, phone and home overwrites the name.
 */
export const RESIDENTS: PeopleConfig<Resident> = {
  path: '/api/residents',
  labels: {
    add: '添加住户',
    edit: '修改住户',
    export: '导出住户信息',
    template: '下载标准住户信息模版',
    importDoc: '导入住户信息Excel文档 (csv, xls, xlsx格式)',
    overwrite: '住户手机、小区及楼栋单元房号相同时，覆盖原有信息',
  },
  columns: [
    { key: 'communityName', title: '小区' },
    { key: 'name', title: '姓名' },
    { key: 'phone', title: '手机' },
    { key: 'building', title: '楼栋', width: 100 },
    { key: 'unit', title: '单元', width: 100 },
    { key: 'room', title: '房号', width: 100 },
  ],
  fields: [
    { name: 'communityId', label: '小区', kind: 'community', keep: true },
    { name: 'name', label: '姓名', kind: 'text', max: 50 },
    { name: 'phone', label: '手机', kind: 'phone' },
    { name: 'building', label: '楼栋', kind: 'text', max: 20, keep: true },
    { name: 'unit', label: '单元', kind: 'text', max: 20, keep: true },
    { name: 'room', label: '房号', kind: 'text', max: 20 },
  ],
  filters: [{ param: 'communityId', kind: 'community', placeholder: '全部小区' }],
  en: {
    添加住户: 'Add resident',
    修改住户: 'Edit resident',
    导出住户信息: 'Export residents',
    下载标准住户信息模版: 'to download the standard residents template',
    '导入住户信息Excel文档 (csv, xls, xlsx格式)': 'Import the residents spreadsheet (csv, xls or xlsx)',
    '住户手机、小区及楼栋单元房号相同时，覆盖原有信息': 'A row with the phone, community and home of an existing resident overwrites it',
    小区: 'Community',
    楼栋: 'Building',
    单元: 'Unit',
    房号: 'Room',
  },
};
