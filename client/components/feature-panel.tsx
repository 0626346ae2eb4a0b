/**
 * Feature panel: every attribute of the clicked feature with Chinese (or English) labels and units,
 * its source dataset and check year, and a 示例数据 badge for sample rows. A waterlogging point also
 * shows its treatment status history and, for a planner of the city, the control to move its status
 * (waterlogging-editor.tsx); after a change the status shown here is the server's and the map is asked
 * to re-request the layer's tiles.
 */
import { useCallback, useState } from 'react';
import type { Labels } from '../api/map-api.ts';
import { isMessageKey } from '../i18n/dictionaries.ts';
import { formatValue } from '../i18n/format-value.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import type { SelectedFeature } from '../map/map-view.tsx';
import { FeatureHistory } from '../panels/audit/audit-panel.tsx';
import { useSession } from './sign-in-context.tsx';
import { WaterloggingEditor } from './waterlogging-editor.tsx';

/** Shown elsewhere in the panel (title, badge, source line) or redundant with a translated code. */
const HIDDEN = new Set(['name', 'is_sample', 'check_year', 'dataset_id', 'type_name_zh', 'type_name_en', 'layerName']);

export interface FeaturePanelProps {
  feature: SelectedFeature;
  labels: Labels;
  onClose: () => void;
  /** The current city's id (edit rights of a city-scoped planner, the city's project list). */
  city?: string | null;
  /** Called with a tile layer id (source) whose features were changed here; the map re-requests its tiles. */
  onTilesChanged?: (source: string) => void;
}

export function FeaturePanel({ feature, labels, onClose, city = null, onTilesChanged }: FeaturePanelProps) {
  const i18n = useI18n();
  const { t } = i18n;
  // Statuses changed here, per point: the clicked feature's properties are the tile's at click time.
  const [changed, setChanged] = useState<Record<number, string>>({});
  const editable = feature.layerId === 'waterlogging' && feature.id !== null ? feature.id : null;
  // The server's status of the point (editor): when it differs from what the map shows, record it and
  // have the map load the layer's tiles again (the server's change feed has dropped its cached ones).
  const shown = editable !== null ? changed[editable] ?? feature.properties.status : undefined;
  const onStatus = useCallback((status: string) => {
    if (editable === null || status === shown) return;
    setChanged((c) => ({ ...c, [editable]: status }));
    onTilesChanged?.('waterlogging');
  }, [editable, shown, onTilesChanged]);
  const p = editable !== null && changed[editable] !== undefined ? { ...feature.properties, status: changed[editable] } : feature.properties;
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
      {editable !== null && (
        <WaterloggingEditor key={editable} pointId={editable} city={city} labels={labels}
          onStatus={onStatus} />
      )}
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
