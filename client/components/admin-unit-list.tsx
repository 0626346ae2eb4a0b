/** Zoom to an admin unit: a labelled select, indented by level (区 › 街道 › 社区). */
import { useId } from 'react';
import type { AdminUnit } from '../api/map-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';

const INDENT: Record<AdminUnit['level'], number> = { city: 0, district: 1, subdistrict: 2, community: 3 };

export function AdminUnitList({ units, onPick }: { units: AdminUnit[]; onPick: (u: AdminUnit) => void }) {
  const { t, lang } = useI18n();
  const id = useId();
  if (units.length === 0) return null;
  return (
    <div className="admin-units">
      <label htmlFor={id}>{t('admin.label')}</label>
      <select
        id={id}
        data-testid="admin-units"
        value=""
        onChange={(e) => {
          const u = units.find((x) => String(x.id) === e.target.value);
          if (u) onPick(u);
        }}
      >
        <option value="">{t('admin.choose')}</option>
        {units.map((u) => (
          <option key={u.id} value={u.id}>
            {'\u00a0\u00a0'.repeat(INDENT[u.level])}
            {lang === 'en' && u.nameEn ? u.nameEn : u.name}
          </option>
        ))}
      </select>
    </div>
  );
}
