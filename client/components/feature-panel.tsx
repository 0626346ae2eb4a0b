/**
 * Feature panel: every attribute of the clicked feature with Chinese (or English) labels and units,
 * its source dataset and check year, and a 示例数据 badge for sample rows.
 */
import type { Labels } from '../api/map-api.ts';
import { isMessageKey } from '../i18n/dictionaries.ts';
import { formatValue } from '../i18n/format-value.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import type { SelectedFeature } from '../map/map-view.tsx';
import { FeatureHistory } from '../panels/audit/audit-panel.tsx';
import { useSession } from './sign-in-context.tsx';

/** Shown elsewhere in the panel (title, badge, source line) or redundant with a translated code. */
const HIDDEN = new Set(['name', 'is_sample', 'check_year', 'dataset_id', 'type_name_zh', 'type_name_en', 'layerName']);

export function FeaturePanel({ feature, labels, onClose }: { feature: SelectedFeature; labels: Labels; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const p = feature.properties;
  const dataset = typeof p.dataset_id === 'string' ? labels.datasets[p.dataset_id] : undefined;
  const isSample = p.is_sample === true || p.is_sample === 'true' || dataset?.isSample === true;
  const fieldLabel = (f: string) => {
    const key = `field.${f}`;
    return isMessageKey(key) ? t(key) : f;
  };
  const rows = Object.entries(p).filter(([k]) => !HIDDEN.has(k));
  const { can } = useSession();
  return (
    <aside className="feature-panel" aria-label={t('feature.attributes')} data-testid="feature-panel">
      <header>
        <div>
          <div className="muted">{t(`layer.${feature.layerId}` as never)}</div>
          <h2 data-testid="feature-name">{typeof p.name === 'string' && p.name ? p.name : t('value.none')}</h2>
          {isSample && (
            <span className="sample-badge" title={t('feature.sampleNote')} data-testid="sample-badge">
              {t('feature.sample')}
            </span>
          )}
        </div>
        <button type="button" className="close" onClick={onClose} aria-label={t('feature.close')}>
          ×
        </button>
      </header>
      <dl className="attributes" data-testid="feature-attributes">
        {feature.id !== null && (
          <div className="attr">
            <dt>{t('feature.id')}</dt>
            <dd>{feature.id}</dd>
          </div>
        )}
        {rows.map(([k, v]) => (
          <div key={k} className="attr">
            <dt>{fieldLabel(k)}</dt>
            <dd>{formatValue(feature.layerId, k, v, labels, i18n)}</dd>
          </div>
        ))}
      </dl>
      <footer className="provenance">
        <div>
          <span className="muted">{t('feature.source')}：</span>
          {dataset ? `${dataset.name}${dataset.attribution ? ` (${dataset.attribution})` : ''}` : String(p.dataset_id ?? t('value.none'))}
        </div>
        <div>
          <span className="muted">{t('feature.checkYear')}：</span>
          {p.check_year !== undefined ? formatValue(feature.layerId, 'check_year', p.check_year, labels, i18n) : t('value.none')}
        </div>
        {/* The audit trail is for planners and admins (GET /api/audit). */}
        {feature.id !== null && can('planner') && <FeatureHistory layer={feature.layerId} rowId={Number(feature.id)} />}
      </footer>
    </aside>
  );
}
