// The English of the labels both records screens use.

export const PEOPLE_EN = {
  '输入手机号/姓名进行搜索': 'Search by phone or name',
  手动添加: 'Add by hand',
  批量导入: 'Import',
  操作: 'Actions',
  姓名: 'Name',
  手机: 'Mobile',
  全部小区: 'All communities',
  '确定删除{name}（{phone}）吗？': 'Delete {name} ({phone})?',
  保存并添加下一个: 'Save and add another',
  '请选择{label}': 'Select: {label}',
  '请输入{label}': 'Enter: {label}',
  '{label}不能超过{max}个字符': '{label}: at most {max} characters',
  请输入11位手机号: 'Enter an 11-digit mobile number',
  '还没有小区，请先在代收设置中添加小区': 'There are no communities yet; add one in Collection settings first',
  已保存: 'Saved',
  已删除: 'Deleted',
  点击此处: 'Click here',
  '（CSV格式）': '(CSV)',
  选择文件: 'Choose a file',
  '导入完成：新增 {created} 条，更新 {updated} 条，未导入 {failed} 条':
    'Import done: {created} added, {updated} updated, {failed} refused',
  '以下行未导入，请修改后重新导入': 'These rows were not imported; correct them and import again',
  行: 'Row',
  列: 'Column',
  原因: 'Reason',
} as const;
