/** One layer's controls: on/off checkbox, opacity slider, style-by select, and its legend when on. */
import { useId } from 'react';
import type { Labels } from '../api/map-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { isMessageKey } from '../i18n/dictionaries.ts';
import { styleOf, type LayerDef, type LayerSettings } from '../layers/layer-defs.ts';
import { Legend } from './legend.tsx';

export interface LayerRowProps {
  def: LayerDef;
  settings: LayerSettings;
  labels: Labels | null;
  unavailable: boolean;
  onChange: (patch: Partial<LayerSettings>) => void;
}

export function LayerRow({ def, settings, labels, unavailable, onChange }: LayerRowProps) {
  const { t } = useI18n();
  const uid = useId();
  const name = t(`layer.${def.id}` as never);
  const styleLabel = (id: string) => {
    if (id === 'single') return t('panel.single');
    const key = `field.${id}`;
    return isMessageKey(key) ? t(key) : id;
  };
  return (
    <div className={`layer-row${unavailable ? ' unavailable' : ''}`} data-layer={def.id}>
      <div className="layer-head">
        <input id={`${uid}-on`} type="checkbox" checked={settings.visible} disabled={unavailable} onChange={(e) => onChange({ visible: e.target.checked })} data-testid={`layer-toggle-${def.id}`} />
        <label htmlFor={`${uid}-on`}>{name}</label>
        {unavailable && <span className="muted"> · {t('panel.noData')}</span>}
      </div>
      {settings.visible && !unavailable && (
        <div className="layer-body">
          <label htmlFor={`${uid}-op`} className="control">
            {t('panel.opacity')}
            <input id={`${uid}-op`} type="range" min={0} max={1} step={0.05} value={settings.opacity} onChange={(e) => onChange({ opacity: Number(e.target.value) })} />
            <span className="value">{Math.round(settings.opacity * 100)}%</span>
          </label>
          {def.styles.length > 1 && (
            <label htmlFor={`${uid}-st`} className="control">
              {t('panel.styleBy')}
              <select id={`${uid}-st`} value={settings.styleId} onChange={(e) => onChange({ styleId: e.target.value })} data-testid={`layer-style-${def.id}`}>
                {def.styles.map((s) => (
                  <option key={s.id} value={s.id}>
                    {styleLabel(s.id)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <Legend layerId={def.id} style={styleOf(def, settings)} labels={labels} />
        </div>
      )}
    </div>
  );
}
