/**
 * Mode switch (official / walking / both), target and the size → radius rule parameters with their
 * confidence marks from indicators.md §4: the 2021 size rule is CONFIRMED, the historic-district
 * variant UNCONFIRMED (off by default, shown with a badge).
 */
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { CoverageMode, CoverageRules, CoverageTarget } from './green-coverage-api.ts';

/** The documented defaults (MOHURD 2021: ≥ 5000 m² → 500 m, ≥ 2000 m² → 300 m; historic ≥ 1000 m² → 300 m). */
export const DEFAULT_RULES: Required<CoverageRules> = {
  largeMinM2: 5000,
  largeRadiusM: 500,
  smallMinM2: 2000,
  smallRadiusM: 300,
  historicVariant: false,
  historicMinM2: 1000,
  historicRadiusM: 300,
};

const MODES: CoverageMode[] = ['official', 'walking', 'both'];
const TARGETS: CoverageTarget[] = ['residential_land', 'estate', 'residential_building'];

export interface RuleFormProps {
  mode: CoverageMode;
  target: CoverageTarget;
  rules: Required<CoverageRules>;
  onMode: (m: CoverageMode) => void;
  onTarget: (t: CoverageTarget) => void;
  onRules: (r: Required<CoverageRules>) => void;
}

export function RuleForm({ mode, target, rules, onMode, onTarget, onRules }: RuleFormProps) {
  const { t } = useI18n();
  const num = (key: keyof CoverageRules, label: string, step: number) => (
    <label className="gc-num">
      <span>{label}</span>
      <input type="number" min={1} step={step} value={rules[key] as number} data-testid={`gc-rule-${key}`}
        onChange={(e) => onRules({ ...rules, [key]: e.target.value === '' ? DEFAULT_RULES[key] : Number(e.target.value) })} />
    </label>
  );
  return (
    <>
      <fieldset className="gc-modes">
        <legend>{t('gc.mode')}</legend>
        {MODES.map((m) => (
          <label key={m}>
            <input type="radio" name="gc-mode" value={m} checked={mode === m} onChange={() => onMode(m)} data-testid={`gc-mode-${m}`} /> {t(`gc.mode.${m}`)}
          </label>
        ))}
      </fieldset>
      <label className="gc-target">
        {t('gc.target')}{' '}
        <select value={target} onChange={(e) => onTarget(e.target.value as CoverageTarget)}>
          {TARGETS.map((x) => <option key={x} value={x}>{t(`gc.target.${x}`)}</option>)}
        </select>
      </label>
      <details className="gc-rules" open>
        <summary>{t('gc.rules')}</summary>
        <div className="gc-rule-row">
          <strong>{t('gc.rule.large')}</strong> <span className="badge confirmed">{t('gc.badge.confirmed')}</span>
          {num('largeMinM2', t('gc.rule.minArea'), 100)}
          {num('largeRadiusM', t('gc.rule.radius'), 10)}
        </div>
        <div className="gc-rule-row">
          <strong>{t('gc.rule.small')}</strong> <span className="badge confirmed">{t('gc.badge.confirmed')}</span>
          {num('smallMinM2', t('gc.rule.minArea'), 100)}
          {num('smallRadiusM', t('gc.rule.radius'), 10)}
        </div>
        <div className="gc-rule-row">
          <label>
            <input type="checkbox" checked={rules.historicVariant} onChange={(e) => onRules({ ...rules, historicVariant: e.target.checked })} data-testid="gc-rule-historic" />{' '}
            <strong>{t('gc.rule.historic')}</strong>
          </label>{' '}
          <span className="badge unconfirmed" title={t('gc.badge.unconfirmedNote')} data-testid="gc-unconfirmed">{t('gc.badge.unconfirmed')}</span>
          {rules.historicVariant && (
            <>
              {num('historicMinM2', t('gc.rule.minArea'), 100)}
              {num('historicRadiusM', t('gc.rule.radius'), 10)}
            </>
          )}
          <p className="muted small">{t('gc.badge.unconfirmedNote')}</p>
        </div>
        {mode !== 'official' && <p className="muted small">{t('gc.mode.walking')}: <span className="badge">{t('gc.badge.design')}</span></p>}
        <button type="button" onClick={() => onRules(DEFAULT_RULES)}>{t('gc.rule.defaults')}</button>
      </details>
    </>
  );
}
