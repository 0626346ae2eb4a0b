/** Legend of one style option: colour swatches with code labels or class ranges and their unit. */
import type { Labels } from '../api/map-api.ts';
import { codeLabel, formatNumber } from '../i18n/format-value.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { legendEntries, type LegendEntry } from '../layers/color-scale.ts';
import type { StyleOption } from '../layers/layer-defs.ts';

export function Legend({ layerId, style, labels }: { layerId: string; style: StyleOption; labels: Labels | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const entries = legendEntries(style);
  const unit = style.kind === 'classed' ? t(style.unit) : '';
  const text = (e: LegendEntry): string => {
    if (e.missing) return t('legend.missing');
    if (e.other) return t('legend.other');
    if (e.value !== undefined && style.kind === 'categorical') return codeLabel(style.labels, String(e.value), labels, i18n);
    if (e.range) {
      const plain = style.kind === 'classed' && style.unit === 'unit.year';
      const [a, b] = e.range.map((n) => (n === null ? null : formatNumber(n, 0, i18n, plain)));
      return a === null ? `< ${b}` : b === null ? `≥ ${a}` : `${a} – ${b}`;
    }
    return t(`layer.${layerId}` as never);
  };
  return (
    <div className="legend" aria-label={t('panel.legend')}>
      <ul>
        {entries.map((e, i) => (
          <li key={i}>
            <span className="swatch" style={{ background: e.color }} aria-hidden="true" />
            {text(e)}
          </li>
        ))}
      </ul>
      {unit && <div className="muted legend-unit">{t('legend.unitNote', { unit })}</div>}
    </div>
  );
}
