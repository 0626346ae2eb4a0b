import { describe, expect, it } from 'vitest';
import { bandColor, createIsochroneLayer, createShortfallLayer, createWhatIfLayer, shortfallColor } from '../../client/panels/life-circle/create-life-circle-layers.ts';
import { csvUrl, shareColor, shortfallUrl, type LifeCircleReport, type Shortfall } from '../../client/panels/life-circle/life-circle-api.ts';
import { shareColumns, shortfallFeatures } from '../../client/panels/life-circle/life-circle-panel.tsx';

const area = (level: 'city' | 'district' | 'subdistrict', id: number | null, name: string | null) => ({
  level, id, name, estates: 1, byType: [], completeCommunity: { meanScore: null, allPresent: 0 }, mostMissing: [],
});

describe('life-circle panel helpers', () => {
  it('names the city in every request and sends speed only when the planner changed it', () => {
    expect(csvUrl({ city: 'nanjing-core', types: ['kindergarten', 'pharmacy'], tiers: ['5min'], speed: 60 }))
      .toBe('/api/analysis/life-circle/estates.csv?dataset=nanjing-core&types=kindergarten%2Cpharmacy&tier=5min&speed=60');
    expect(csvUrl({ city: 'liechtenstein', types: [], tiers: [] })).toBe('/api/analysis/life-circle/estates.csv?dataset=liechtenstein');
    expect(shortfallUrl({ city: 'nanjing-core' }, 'bus_stop')).toBe('/api/analysis/life-circle/shortfall/bus_stop?dataset=nanjing-core');
  });

  it('lays the share table out as the city first, then the areas of the chosen level by name, unassigned last', () => {
    const report = { summary: [area('city', null, null), area('district', 1, '玄武区'), area('subdistrict', 3, '新街口街道'), area('subdistrict', null, null), area('subdistrict', 2, '华侨路街道')] } as Pick<LifeCircleReport, 'summary'>;
    expect(shareColumns(report as LifeCircleReport, 'subdistrict').map((a) => a.name)).toEqual([null, '华侨路街道', '新街口街道', null]);
    expect(shareColumns(report as LifeCircleReport, 'district').map((a) => a.id)).toEqual([null, 1]);
  });

  it('colours shares from light (none) to dark (all), grey when unknown', () => {
    const lightness = (c: string) => Number(/(\d+)%\)$/.exec(c)![1]);
    expect(lightness(shareColor(0))).toBeGreaterThan(lightness(shareColor(0.5)));
    expect(lightness(shareColor(0.5))).toBeGreaterThan(lightness(shareColor(1)));
    expect(shareColor(null)).toBe('#eee');
  });

  it('draws only shortfall estates that have a geometry', () => {
    const props = { name: 'A', nameDerived: false, residents: null, type: 'pharmacy', standardM: 300, distanceM: 500, gapM: 200, status: 'not_met', note: null };
    const s = {
      type: 'FeatureCollection', features: [
        { type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [118.78, 32.04] }, properties: props },
        { type: 'Feature', id: 2, geometry: null, properties: props },
      ],
    } as Shortfall;
    expect(shortfallFeatures(s).features.map((f) => f.id)).toEqual([1]);
  });

  it('colours shortfalls by gap, with "none at all" darkest', () => {
    expect(shortfallColor(50)).not.toEqual(shortfallColor(500));
    expect(shortfallColor(null)).toEqual([120, 20, 30, 220]);
    expect(bandColor(5)[3]).toBeGreaterThan(bandColor(15)[3]);
  });

  it('creates layers with stable ids, hidden rather than removed when there is no data', () => {
    const s = createShortfallLayer(null, { visible: true });
    expect(s.id).toBe('life-circle-shortfall');
    expect(s.props.visible).toBe(false);
    expect(createIsochroneLayer({ type: 'FeatureCollection', features: [] }, { visible: true }).props.visible).toBe(true);
    expect(createWhatIfLayer({ lon: 118.78, lat: 32.04 }, { visible: true }).id).toBe('life-circle-what-if');
  });
});
