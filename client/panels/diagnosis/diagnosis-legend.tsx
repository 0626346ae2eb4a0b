/**
 * The legend of the 诊断 map: the standard diverging hot/cold-spot legend (99/95/90 % hot, not
 * significant, 90/95/99 % cold), the LISA cluster classes, or the disease-score ramp.
 */
import { useI18n } from '../../i18n/i18n-context.tsx';
import { DISEASE_COLORS, GI_BIN_COLORS, LISA_COLORS, type DiagnosisView, type Rgba } from './create-diagnosis-layers.ts';

const css = (c: Rgba) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] / 255).toFixed(2)})`;

export function DiagnosisLegend({ view }: { view: DiagnosisView }) {
  const { t } = useI18n();
  const rows: { key: string; color: Rgba; label: string }[] =
    view === 'gi'
      ? [3, 2, 1, 0, -1, -2, -3].map((b) => ({ key: String(b), color: GI_BIN_COLORS[b], label: t(`dg.bin.${b}` as 'dg.bin.0') }))
      : view === 'lisa'
        ? (['HH', 'HL', 'LH', 'LL', 'ns'] as const).map((q) => ({ key: q, color: LISA_COLORS[q], label: t(`dg.lisa.${q}`) }))
        : DISEASE_COLORS.map((c, i) => ({ key: String(i), color: c, label: t('dg.disease.class', { from: (i / 5).toFixed(1), to: ((i + 1) / 5).toFixed(1) }) })).reverse();
  return (
    <div className="legend dg-legend" aria-label={t('dg.legend')} data-testid="dg-legend" data-view={view}>
      <strong className="small">{t('dg.legend')} · {t(`dg.view.${view}`)}</strong>
      <ul style={{ gridTemplateColumns: '1fr' }}>
        {rows.map((r) => (
          <li key={r.key} data-class={r.key}><span className="swatch" style={{ background: css(r.color) }} aria-hidden="true" /> {r.label}</li>
        ))}
      </ul>
    </div>
  );
}
