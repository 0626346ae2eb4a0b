/**
 * The weight editor of the 诊断 panel: which indicators enter the disease score, their expert
 * weights, the weighting method (equal / expert / entropy 熵权法) and the normalisation; "recompute"
 * rescores the stored run (nothing is stored). Shows the weights the server actually used.
 */
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { DiagnosisMethod, DiagnosisRun } from './diagnosis-api.ts';

type Code = NonNullable<DiagnosisMethod['criteria']>[number]['code'];

export interface WeightDraft {
  criteria: { code: Code; weight?: number }[];
  weightMethod: NonNullable<DiagnosisMethod['weightMethod']>;
  norm: NonNullable<DiagnosisMethod['norm']>;
}

export interface WeightEditorProps {
  run: DiagnosisRun;
  used: { code: string; weight: number }[];
  busy: boolean;
  indName: (code: string) => string;
  onRecompute: (d: WeightDraft) => void;
}

export function WeightEditor({ run, used, busy, indName, onRecompute }: WeightEditorProps) {
  const { t } = useI18n();
  const all = Object.keys(run.units[0]?.indicators ?? {}).sort() as Code[];
  const [on, setOn] = useState<Set<string>>(() => new Set(run.criteria.map((c) => c.code)));
  const [weights, setWeights] = useState<Record<string, number>>(() => Object.fromEntries(all.map((c) => [c, 1])));
  const [weightMethod, setWeightMethod] = useState<WeightDraft['weightMethod']>('equal');
  const [norm, setNorm] = useState<WeightDraft['norm']>('minmax');
  const usedBy = new Map(used.map((u) => [u.code, u.weight]));
  const submit = () => onRecompute({
    criteria: all.filter((c) => on.has(c)).map((code) => (weightMethod === 'expert' ? { code, weight: weights[code] } : { code })),
    weightMethod, norm,
  });
  return (
    <details className="dg-weights" open data-testid="dg-weight-editor">
      <summary>{t('dg.weightsEditor')}</summary>
      <label>{t('dg.weightMethod')}{' '}
        <select value={weightMethod} onChange={(e) => setWeightMethod(e.target.value as WeightDraft['weightMethod'])} data-testid="dg-weight-method">
          {(['equal', 'expert', 'entropy'] as const).map((m) => <option key={m} value={m}>{t(`dg.weightMethod.${m}`)}</option>)}
        </select>
      </label>{' '}
      <label>{t('dg.norm')}{' '}
        <select value={norm} onChange={(e) => setNorm(e.target.value as WeightDraft['norm'])} data-testid="dg-norm">
          {(['minmax', 'target'] as const).map((m) => <option key={m} value={m}>{t(`dg.norm.${m}`)}</option>)}
        </select>
      </label>
      <table className="gc-table">
        <thead><tr><th /><th>{t('dg.explain.indicator')}</th>{weightMethod === 'expert' && <th>{t('dg.weightMethod.expert')}</th>}<th>{t('dg.weightUsed')}</th></tr></thead>
        <tbody>
          {all.map((c) => (
            <tr key={c} data-code={c}>
              <td><input type="checkbox" checked={on.has(c)} aria-label={indName(c)} data-testid={`dg-use-${c}`}
                onChange={(e) => setOn((s) => { const n = new Set(s); if (e.target.checked) n.add(c); else n.delete(c); return n; })} /></td>
              <td>{indName(c)}</td>
              {weightMethod === 'expert' && (
                <td><input type="range" min={0} max={5} step={0.5} value={weights[c]} disabled={!on.has(c)} aria-label={indName(c)} data-testid={`dg-weight-${c}`}
                  onChange={(e) => setWeights({ ...weights, [c]: Number(e.target.value) })} /> {weights[c]}</td>
              )}
              <td className="num">{usedBy.has(c) ? `${Math.round(usedBy.get(c)! * 100)}%` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={submit} disabled={busy || on.size === 0} data-testid="dg-recompute">{t('dg.recompute')}</button>
    </details>
  );
}
