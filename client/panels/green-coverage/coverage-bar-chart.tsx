/**
 * Coverage by district / 街道 as a plain SVG bar chart (no chart library): one row per unit, the
 * official bar and, for walking runs, a thinner walking bar beneath it; 0–100 % scale.
 */
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { CoverageUnit } from './green-coverage-api.ts';
import { formatPct } from './format.ts';

const ROW = 22;
const LABEL_W = 118;
const BAR_W = 120;

export function CoverageBarChart({ units, walking, official }: { units: CoverageUnit[]; walking: boolean; official: boolean }) {
  const { t } = useI18n();
  const h = units.length * ROW + 16;
  const w = LABEL_W + BAR_W + 52;
  const x = (pct: number | null) => (BAR_W * Math.max(0, Math.min(100, pct ?? 0))) / 100;
  return (
    <svg className="gc-chart" width="100%" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={t('gc.chart')} data-testid="gc-chart">
      {[0, 50, 100].map((p) => (
        <g key={p}>
          <line x1={LABEL_W + x(p)} x2={LABEL_W + x(p)} y1={0} y2={h - 12} stroke="#d9dce1" />
          <text x={LABEL_W + x(p)} y={h - 2} fontSize="9" textAnchor="middle" fill="#6b7280">{p}%</text>
        </g>
      ))}
      {units.map((u, i) => {
        const y = i * ROW + 2;
        const label = u.name ?? `#${u.unitId}`;
        return (
          <g key={`${u.unitKind}:${u.unitId}`}>
            <title>{`${label} · ${t('gc.official')} ${formatPct(u.officialPct)}${walking ? ` · ${t('gc.walking')} ${formatPct(u.walkingPct)}` : ''}`}</title>
            <text x={LABEL_W - 4} y={y + 12} fontSize="11" textAnchor="end" fill="#1f2328">{label.length > 10 ? `${label.slice(0, 9)}…` : label}</text>
            {official && <rect x={LABEL_W} y={y + 2} width={x(u.officialPct)} height={walking ? 9 : 14} fill="#2f855a" />}
            {walking && <rect x={LABEL_W} y={official ? y + 12 : y + 2} width={x(u.walkingPct)} height={official ? 6 : 14} fill="#3182ce" />}
            <text x={LABEL_W + BAR_W + 4} y={y + 12} fontSize="10" fill="#1f2328">{formatPct(official ? u.officialPct : u.walkingPct)}</text>
          </g>
        );
      })}
    </svg>
  );
}
