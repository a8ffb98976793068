// What a records screen (快递员管理, 住户管理) is made of, as data: the generic screen in
// PeopleScreen.tsx renders any of them, so the two screens differ only in these descriptions.
import type { EnglishOf } from '../../../i18n.js';

/** What every listed record has (couriers and residents alike). */
export interface PersonRecord {
  id: number;
  communityId: number;
  communityName: string;
  name: string;
  phone: string;
}

/** A list column: a field of the record and its Chinese title. */
export interface ColumnSpec<T> {
  key: keyof T & string;
  title: string;
  width?: number;
}

/**
 * A form field. `community` and `carrier` are selects (of the org's communities, of CARRIERS);
 * `keep` fields stay filled after 保存并添加下一个.
 */
export interface FieldSpec<T> {
  name: keyof T & string;
  label: string;
  kind: 'community' | 'carrier' | 'phone' | 'text';
  max?: number;
  keep?: boolean;
}

/** A 条件筛选 select, kept in the URL as `param`. */
export interface FilterSpec {
  param: string;
  kind: 'community' | 'carrier';
  placeholder: string;
}

/** The Chinese texts that differ between the screens (each has its English in `en`). */
export interface PeopleLabels {
  /** `添加快递员`: the button (after a +) and the add form's title. */
  add: string;
  edit: string;
  export: string;
  /** `下载标准快递员信息模版`. */
  template: string;
  /** `导入快递员信息Excel文档 (csv, xls, xlsx格式)`. */
  importDoc: string;
  /** The overwrite rule of the import. */
  overwrite: string;
}

export interface PeopleConfig<T extends PersonRecord> {
  /** The API collection, e.g. `/api/couriers` (with /template, /import, /export below it). */
  path: string;
  labels: PeopleLabels;
  columns: ColumnSpec<T>[];
  fields: FieldSpec<T>[];
  filters: FilterSpec[];
  /** The English of this screen's own labels. */
  en: EnglishOf;
}

/** A form's values, by field name. */
export type FormValues = Record<string, string | number | undefined>;
