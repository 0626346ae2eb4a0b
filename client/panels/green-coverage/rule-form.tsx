/**
 * Mode switch (official / walking / both), target and the size → radius rule parameters. The form
 * holds only what the planner changed: an empty field shows the value the server will use for this
 * city (its setting, else the documented default) with its origin, fetched from
 * /api/datasets/:id/parameters. Confidence marks: the 2021 size rule is CONFIRMED, the
 * historic-district variant UNCONFIRMED (off by default, shown with a badge).
 */
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { CoverageEdits, CoverageMode, CoverageRules, CoverageTarget, EffectiveParams } from './green-coverage-api.ts';

const MODES: CoverageMode[] = ['official', 'walking', 'both'];
const TARGETS: CoverageTarget[] = ['residential_land', 'estate', 'residential_building'];
type NumericRule = 'largeMinM2' | 'largeRadiusM' | 'smallMinM2' | 'smallRadiusM' | 'historicMinM2' | 'historicRadiusM';

export interface RuleFormProps {
  /** The city's parameters when the planner changes nothing (value + origin), or null while loading. */
  defaults: EffectiveParams | null;
  edits: CoverageEdits;
  onEdits: (e: CoverageEdits) => void;
}

/** The value in force: the planner's edit, else the server's value for the city. */
export function effectiveValue<K extends keyof CoverageRules>(key: K, edits: CoverageEdits, defaults: EffectiveParams | null): CoverageRules[K] | undefined {
  return edits.rules[key] ?? (defaults?.[key]?.value as CoverageRules[K] | undefined);
}

export function RuleForm({ defaults, edits, onEdits }: RuleFormProps) {
  const { t } = useI18n();
  const setRule = (patch: Partial<CoverageRules>) => onEdits({ ...edits, rules: { ...edits.rules, ...patch } });
  const origin = (key: string) => defaults?.[key] && (
    <small className={`muted origin-${defaults[key].origin}`}> {t(`param.origin.${defaults[key].origin}`)}</small>
  );
  const num = (key: NumericRule, label: string, step: number) => (
    <label className="gc-num">
      <span>{label}</span>
      <input type="number" min={1} step={step} value={edits.rules[key] ?? ''} data-testid={`gc-rule-${key}`}
        placeholder={defaults?.[key] ? String(defaults[key].value) : ''}
        title={defaults?.[key] ? t('gc.rule.default', { value: String(defaults[key].value) }) : undefined}
        onChange={(e) => setRule({ [key]: e.target.value === '' ? undefined : Number(e.target.value) })} />
      {edits.rules[key] === undefined && origin(key)}
    </label>
  );
  const mode = edits.mode ?? (defaults?.mode?.value as CoverageMode | undefined);
  const target = edits.target ?? (defaults?.target?.value as CoverageTarget | undefined);
  const historic = effectiveValue('historicVariant', edits, defaults) === true;
  return (
    <>
      <fieldset className="gc-modes">
        <legend>{t('gc.mode')}</legend>
        {MODES.map((m) => (
          <label key={m}>
            <input type="radio" name="gc-mode" value={m} checked={mode === m} onChange={() => onEdits({ ...edits, mode: m })} data-testid={`gc-mode-${m}`} /> {t(`gc.mode.${m}`)}
          </label>
        ))}
      </fieldset>
      <label className="gc-target">
        {t('gc.target')}{' '}
        <select value={target ?? ''} onChange={(e) => onEdits({ ...edits, target: e.target.value as CoverageTarget })} data-testid="gc-target">
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
            <input type="checkbox" checked={historic} onChange={(e) => setRule({ historicVariant: e.target.checked })} data-testid="gc-rule-historic" />{' '}
            <strong>{t('gc.rule.historic')}</strong>
          </label>{' '}
          <span className="badge unconfirmed" title={t('gc.badge.unconfirmedNote')} data-testid="gc-unconfirmed">{t('gc.badge.unconfirmed')}</span>
          {historic && (
            <>
              {num('historicMinM2', t('gc.rule.minArea'), 100)}
              {num('historicRadiusM', t('gc.rule.radius'), 10)}
            </>
          )}
          <p className="muted small">{t('gc.badge.unconfirmedNote')}</p>
        </div>
        {mode !== 'official' && <p className="muted small">{t('gc.mode.walking')}: <span className="badge">{t('gc.badge.design')}</span></p>}
        <button type="button" onClick={() => onEdits({ rules: {} })} data-testid="gc-rule-defaults">{t('gc.rule.defaults')}</button>
      </details>
    </>
  );
}
