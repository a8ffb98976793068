import { Button } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Resident } from '../../api-types.js';
import { useT } from '../../i18n.js';
import { PeopleScreen } from './people/PeopleScreen.js';
import { PREFERENCE_HISTORY_EN, PreferenceHistoryModal } from './people/PreferenceHistory.js';
import { RESIDENTS } from './people/residents.js';

/** 住户管理 (SPEC §11), with each resident's 收件偏好记录 (SPEC §19). */
export default function ResidentsPage(): ReactNode {
  const t = useT(PREFERENCE_HISTORY_EN);
  const [history, setHistory] = useState<Resident | null>(null);
  return (
    <>
      <PeopleScreen<Resident>
        config={RESIDENTS}
        rowActionsWidth={110}
        rowActions={(r) => (
          <Button type="link" size="small" onClick={() => setHistory(r)}>
            {t('收件偏好记录')}
          </Button>
        )}
      />
      <PreferenceHistoryModal resident={history} onClose={() => setHistory(null)} />
    </>
  );
}
