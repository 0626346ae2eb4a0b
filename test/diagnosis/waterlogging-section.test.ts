/**
 * The 内涝 section's ordering of units (client/panels/diagnosis/waterlogging-section.tsx): units with
 * points only, the highest severity-weighted exposure first, then the most untreated points, then by
 * unit number; at most n.
 */
import { describe, expect, it } from 'vitest';
import { mostExposedUnits } from '../../client/panels/diagnosis/waterlogging-section.tsx';

const unit = (unitNo: number, pointsWithin: number, untreatedWithin: number, severityWeighted: number) => ({
  unitNo, gridI: null, gridJ: null, adminUnitId: null, name: null, builtUpM2: 1e6,
  pointsWithin, untreatedWithin, severityWeighted, densityPerKm2: untreatedWithin, byStatus: {},
});

describe('mostExposedUnits', () => {
  it('leaves out units without points and orders by severity, untreated count, then unit number', () => {
    const units = [unit(0, 0, 0, 0), unit(1, 2, 1, 3), unit(2, 3, 2, 3), unit(3, 1, 1, 4), unit(4, 2, 2, 3), unit(5, 1, 0, 0)];
    expect(mostExposedUnits(units, 10).map((u) => u.unitNo)).toEqual([3, 2, 4, 1, 5]);
    expect(mostExposedUnits(units, 2).map((u) => u.unitNo)).toEqual([3, 2]);
  });
});
