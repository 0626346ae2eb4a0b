/**
 * What-if drawing controls: start drawing (map clicks add vertices), finish (or double-click on the map),
 * compute, and the before → after numbers with the newly covered area. Nothing is saved.
 */
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { WhatIfResult } from './green-coverage-api.ts';
import { formatArea, formatPct } from './format.ts';

export interface WhatIfToolProps {
  drawing: boolean;
  vertices: number;
  polygons: number;
  busy: boolean;
  result: WhatIfResult | null;
  onStart: () => void;
  onFinish: () => void;
  onCancel: () => void;
  onClear: () => void;
  onApply: () => void;
}

export function WhatIfTool(p: WhatIfToolProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const c = p.result?.city;
  const walking = c?.walkingPctBefore !== null && c?.walkingPctBefore !== undefined;
  return (
    <section className="gc-what-if" aria-label={t('gc.whatIf')}>
      <h3>{t('gc.whatIf')}</h3>
      <div className="gc-inline">
        {!p.drawing && <button type="button" onClick={p.onStart} data-testid="gc-draw">{t('gc.whatIf.draw')}</button>}
        {p.drawing && <button type="button" onClick={p.onFinish} disabled={p.vertices < 3} data-testid="gc-draw-finish">{t('gc.whatIf.finish')}</button>}
        {p.drawing && <button type="button" onClick={p.onCancel}>{t('gc.whatIf.cancel')}</button>}
        {p.polygons > 0 && !p.drawing && <button type="button" onClick={p.onClear}>{t('gc.whatIf.clear')}</button>}
      </div>
      {p.drawing && <p className="gc-drawing-hint" role="status">{t('gc.whatIf.drawing')} ({p.vertices})</p>}
      {p.polygons > 0 && (
        <p className="small">
          {t('gc.whatIf.polygons', { n: p.polygons })}{' '}
          <button type="button" onClick={p.onApply} disabled={p.busy || p.drawing} data-testid="gc-whatif-apply">{p.busy ? t('gc.running') : t('gc.whatIf.apply')}</button>
        </p>
      )}
      {c && (
        <dl className="gc-whatif-result" data-testid="gc-whatif-result">
          <dt>{t('gc.whatIf.result')}</dt>
          <dd />
          <dt>{t('gc.official')}</dt>
          <dd>
            <span data-testid="gc-whatif-before">{formatPct(c.officialPctBefore)}</span> → <strong data-testid="gc-whatif-after">{formatPct(c.officialPctAfter)}</strong>
          </dd>
          {walking && (
            <>
              <dt>{t('gc.walking')}</dt>
              <dd>{formatPct(c.walkingPctBefore)} → <strong>{formatPct(c.walkingPctAfter)}</strong></dd>
            </>
          )}
          <dt>{t('gc.whatIf.newArea')}</dt>
          <dd data-testid="gc-whatif-area">
            +{formatArea(i18n, c.officialM2After - c.officialM2Before)}
            {walking && c.walkingM2After !== null && c.walkingM2Before !== null && <> · {t('gc.walking')} +{formatArea(i18n, c.walkingM2After - c.walkingM2Before)}</>}
          </dd>
        </dl>
      )}
    </section>
  );
}
