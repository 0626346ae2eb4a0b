import { useI18n } from '../i18n/i18n-context.tsx';

/** The 2D/3D switch: buildings extruded by height, map tilted; rotate with right-drag or the compass. */
export function ThreeDToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const { t } = useI18n();
  return (
    <div className="three-d">
      <button type="button" aria-pressed={on} data-testid="toggle-3d" title={t(on ? 'view.3dOn' : 'view.3dOff')} onClick={() => onChange(!on)}>
        {t('view.3d')} {on ? '✓' : ''}
      </button>
      <span className="hint">{t('view.heightNote')}</span>
    </div>
  );
}
