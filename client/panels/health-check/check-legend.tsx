/**
 * Legend of the 体检 choropleth: five classes in the indicator's unit (or of the change since the
 * comparison year), coloured bad → good, and "no data".
 */
import { useI18n } from '../../i18n/i18n-context.tsx';
import { fmtValue } from './check-format.ts';
import { GOOD_BAD_COLORS, NO_DATA, classOf, type ChoroplethClasses, type Rgba } from './create-check-layers.ts';

const css = (c: Rgba) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] / 255).toFixed(2)})`;
const swatch = (c: Rgba) => ({ display: 'inline-block', width: 14, height: 10, marginRight: 4, border: '1px solid #999', background: css(c) });

export function CheckLegend({ title, unit, classes, testId = 'ck-legend' }: { title: string; unit: string; classes: ChoroplethClasses | null; testId?: string }) {
  const { t } = useI18n();
  const bounds = classes ? [classes.min, ...classes.breaks, classes.max] : [];
  const rows = classes
    ? (classes.breaks.length === 0 ? [[classes.min, classes.max]] : bounds.slice(0, -1).map((b, i) => [b, bounds[i + 1]]))
    : [];
  return (
    <div className="dg-legend" data-testid={testId} aria-label={t('ck.legend')}>
      <strong className="small">{t('ck.legend')} · {title} ({unit})</strong>
      <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0' }}>
        {rows.map(([from, to]) => (
          <li key={`${from}-${to}`}>
            <span style={swatch(GOOD_BAD_COLORS[classOf(from, classes!)])} /> {fmtValue(from)} – {fmtValue(to)} {unit}
          </li>
        ))}
        <li><span style={swatch(NO_DATA)} /> {t('ck.legend.noData')}</li>
      </ul>
    </div>
  );
}
