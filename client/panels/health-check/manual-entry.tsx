/**
 * Statistical and survey values (统计/调查/满意度) for indicators geometry cannot compute: one value
 * entered for one unit and year, or a CSV / XLSX file (indicator, unit_kind, unit_id, year, value)
 * uploaded with its source. The server checks every row and stores all or none; its row issues are
 * listed. The values enter the cycle of their year at its next computation.
 */
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { enterManualValue, uploadManualFile, type Indicator, type ManualResult } from './check-api.ts';

const LEVELS = ['city', 'district', 'subdistrict', 'community', 'estate', 'building'] as const;

/** The file's bytes as base64 (for the JSON upload, which carries the CSRF token like every write). */
async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ManualEntry({ city, indicators, year, names, onStored }: { city: string; indicators: Indicator[]; year: number; names: Record<string, string>; onStored: () => void }) {
  const { t } = useI18n();
  const manual = indicators.filter((d) => d.formulaKind === 'manual');
  const [code, setCode] = useState(manual[0]?.code ?? '');
  const def = indicators.find((d) => d.code === code);
  const [unitKind, setUnitKind] = useState('city');
  const [unitId, setUnitId] = useState('');
  const [value, setValue] = useState('');
  const [source, setSource] = useState('');
  const [result, setResult] = useState<ManualResult | null>(null);
  const [busy, setBusy] = useState(false);
  const done = (p: Promise<ManualResult>) => {
    setBusy(true);
    p.then((r) => { setResult(r); onStored(); })
      .catch((e) => setResult({ message: (e as Error).message }))
      .finally(() => setBusy(false));
  };
  const enter = () => done(enterManualValue({
    dataset: city, indicator: code, unitKind, ...(unitKind === 'city' ? {} : { unitId: Number(unitId) }), year, value: Number(value), source,
  }));
  const upload = async (file: File | undefined) => {
    if (!file) return;
    const format = file.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
    done(uploadManualFile({ dataset: city, source: source || file.name, fileName: file.name, format, contentBase64: await toBase64(file) }));
  };
  return (
    <div data-testid="ck-manual">
      <p className="small muted">{t('ck.manual.note', { year })}</p>
      <div className="gc-form" style={{ display: 'flex', gap: 6, flexWrap: 'wrap', alignItems: 'end' }}>
        <label className="small">{t('ck.indicator')}{' '}
          <select value={code} onChange={(e) => setCode(e.target.value)} data-testid="ck-manual-indicator">
            {manual.map((d) => <option key={d.code} value={d.code}>{names[d.code]} ({d.unit})</option>)}
          </select>
        </label>
        <label className="small">{t('ck.level')}{' '}
          <select value={unitKind} onChange={(e) => setUnitKind(e.target.value)}>
            {LEVELS.filter((l) => !def || def.levels.includes(l)).map((l) => <option key={l} value={l}>{t(`ck.level.${l}`)}</option>)}
          </select>
        </label>
        {unitKind !== 'city' && (
          <label className="small">{t('ck.manual.unitId')}{' '}
            <input type="number" min={1} value={unitId} onChange={(e) => setUnitId(e.target.value)} style={{ width: 70 }} />
          </label>
        )}
        <label className="small">{t('ck.col.value')}{' '}
          <input type="number" value={value} onChange={(e) => setValue(e.target.value)} style={{ width: 80 }} data-testid="ck-manual-value" />
        </label>
        <label className="small">{t('ck.manual.source')}{' '}
          <input type="text" value={source} onChange={(e) => setSource(e.target.value)} style={{ width: 120 }} data-testid="ck-manual-source" />
        </label>
        <button type="button" onClick={enter} disabled={busy || !code || value === '' || !source} data-testid="ck-manual-save">{t('ck.manual.save')}</button>
      </div>
      <label className="small">{t('ck.manual.file')}{' '}
        <input type="file" accept=".csv,.xlsx,text/csv" onChange={(e) => upload(e.target.files?.[0])} disabled={busy} data-testid="ck-manual-file" />
      </label>
      {result && (
        <div className="small" role="status" data-testid="ck-manual-result">
          {result.stored ? t('ck.manual.stored', { n: result.stored }) : result.message}
          {result.errors && result.errors.length > 0 && (
            <ul>{result.errors.slice(0, 20).map((e) => <li key={`${e.row}-${e.field}`}>{t('ck.manual.issue', { row: e.row, field: e.field, message: e.message })}</li>)}</ul>
          )}
        </div>
      )}
    </div>
  );
}
