/** The layer panel: check layers grouped as planners think, each with its controls and legend. */
import type { CatalogEntry, Labels } from '../api/map-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { GROUPS, LAYER_DEFS, type LayerSettings } from '../layers/layer-defs.ts';
import { LayerRow } from './layer-row.tsx';

export interface LayerPanelProps {
  settings: Record<string, LayerSettings>;
  labels: Labels | null;
  catalog: CatalogEntry[] | null;
  onChange: (id: string, patch: Partial<LayerSettings>) => void;
}

export function LayerPanel({ settings, labels, catalog, onChange }: LayerPanelProps) {
  const { t } = useI18n();
  const available = catalog ? new Set(catalog.map((c) => c.id)) : null;
  return (
    <nav className="layer-panel" aria-label={t('panel.layers')} data-testid="layer-panel">
      <h2>{t('panel.layers')}</h2>
      {GROUPS.map((g) => (
        <fieldset key={g} className="layer-group">
          <legend>{t(`group.${g}`)}</legend>
          {LAYER_DEFS.filter((d) => d.group === g).map((d) => (
            <LayerRow key={d.id} def={d} settings={settings[d.id]} labels={labels} unavailable={available !== null && !available.has(d.source)} onChange={(p) => onChange(d.id, p)} />
          ))}
        </fieldset>
      ))}
    </nav>
  );
}
