/**
 * The parameters that produced a result, as the server reports them: value, unit and where each
 * came from (default / city setting / this request). Shared by the analysis panels.
 */
import type { EffectiveParams } from '../../server/contract/common.ts';
import { isMessageKey } from '../i18n/dictionaries.ts';
import { useI18n } from '../i18n/i18n-context.tsx';

/** A parameter value for display: lists comma-joined, empty lists and null as "all / default". */
export function paramValueText(value: EffectiveParams[string]['value'], unit: string | undefined, allText: string): string {
  if (value === null || (Array.isArray(value) && value.length === 0)) return allText;
  if (Array.isArray(value)) return value.join(', ');
  return `${String(value)}${unit ? ` ${unit}` : ''}`;
}

export function EffectiveParamsView({ params, testId }: { params: EffectiveParams; testId: string }) {
  const { t } = useI18n();
  const label = (name: string) => (isMessageKey(`param.${name}`) ? t(`param.${name}` as 'param.speed') : name);
  // coded values in words where the dictionaries have them (gc.mode.official, value.true, …)
  const value = (name: string, p: EffectiveParams[string]) => {
    const key = typeof p.value === 'boolean' ? `value.${p.value}` : `gc.${name}.${String(p.value)}`;
    return isMessageKey(key) ? t(key) : paramValueText(p.value, p.unit, t('param.all'));
  };
  return (
    <details className="effective-params" data-testid={testId}>
      <summary>{t('param.title')}</summary>
      <table className="gc-table">
        <thead><tr><th>{t('param.name')}</th><th>{t('param.value')}</th><th>{t('param.origin')}</th></tr></thead>
        <tbody>
          {Object.entries(params).map(([name, p]) => (
            <tr key={name} data-param={name} data-origin={p.origin}>
              <td>{label(name)}</td>
              <td className="num">{value(name, p)}</td>
              <td><span className={`badge origin-${p.origin}`}>{t(`param.origin.${p.origin}`)}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
