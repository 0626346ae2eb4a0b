import { describe, expect, it } from 'vitest';
import { createDraftLayer, createNewlyCoveredLayer, createPocketParkLayer, createShortfallLayer } from '../../client/panels/green-coverage/create-green-coverage-layers.ts';
import { sortEstates } from '../../client/panels/green-coverage/estate-list.tsx';
import { formatPct } from '../../client/panels/green-coverage/format.ts';
import { coverageBody, ringOf, shortfallLayersOf, shortfallUrl, type CoverageEstate } from '../../client/panels/green-coverage/green-coverage-api.ts';

describe('green-coverage panel helpers', () => {
  it('sends the city and only what the planner changed, so the server fills the city\'s settings and defaults', () => {
    expect(coverageBody('nanjing-core', { rules: {} })).toEqual({ dataset: 'nanjing-core' });
    expect(coverageBody('nanjing-core', { mode: 'official', rules: {} })).toEqual({ dataset: 'nanjing-core', mode: 'official' });
    expect(coverageBody('liechtenstein', { mode: 'both', target: 'estate', rules: { largeMinM2: 5000, smallRadiusM: Number.NaN, historicVariant: false, largeRadiusM: undefined } }))
      .toEqual({ dataset: 'liechtenstein', mode: 'both', target: 'estate', rules: { largeMinM2: 5000, historicVariant: false } });
    expect(shortfallUrl(7, 'detour')).toBe('/api/analysis/green-coverage/7/shortfall.geojson?layer=detour');
    expect(shortfallLayersOf('official')).toEqual(['uncovered_official']);
  });

  it('closes a drawn ring, dropping the repeated vertex of a double-click, and needs three vertices', () => {
    expect(ringOf([[0, 0], [1, 0], [1, 1], [1, 1]])).toEqual([[0, 0], [1, 0], [1, 1], [0, 0]]);
    expect(ringOf([[0, 0], [1, 0], [1, 0]])).toBeNull();
  });

  it('sorts estates by walking distance, falling back to straight distance, unknown last', () => {
    const e = (estateId: number, walkDistanceM: number | null, straightDistanceM: number | null): CoverageEstate => ({
      estateId, walkDistanceM, straightDistanceM, name: null, nameEn: null, nameDerived: false, residents: null, areaM2: null, officialShare: null,
      walkingShare: null, coveredOfficial: null, coveredWalking: null, straightParkId: null, straightParkName: null, nearestParkId: null, nearestParkName: null,
    });
    const rows = [e(1, 400, 300), e(2, null, null), e(3, null, 100), e(4, 250, 200)];
    expect(sortEstates(rows, true).map((r) => r.estateId)).toEqual([3, 4, 1, 2]);
    expect(sortEstates(rows, false).map((r) => r.estateId)).toEqual([2, 1, 4, 3]);
  });

  it('formats coverage with one decimal and a dash when unknown', () => {
    expect(formatPct(78.46)).toBe('78.5%');
    expect(formatPct(null)).toBe('—');
  });

  it('creates layers with stable ids, hidden rather than removed when there is no data', () => {
    const s = createShortfallLayer('uncovered_official', null, { visible: true });
    expect(s.id).toBe('green-coverage-uncovered-official');
    expect(s.props.visible).toBe(false);
    expect(createShortfallLayer('detour', { type: 'FeatureCollection', features: [] }, { visible: true }).props.visible).toBe(true);
    expect(createNewlyCoveredLayer(null, { visible: true }).id).toBe('green-coverage-newly-covered');
    expect(createDraftLayer([], [], { visible: true }).props.visible).toBe(false);
    const pocket = createPocketParkLayer([], { visible: true, highlight: 2 });
    expect(pocket.id).toBe('green-coverage-pocket-parks');
    expect(pocket.props.updateTriggers).toEqual({ getFillColor: [2] });
  });
});
