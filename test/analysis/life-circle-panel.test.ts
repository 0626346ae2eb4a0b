import { describe, expect, it } from 'vitest';
import { bandColor, createIsochroneLayer, createShortfallLayer, createWhatIfLayer, shortfallColor } from '../../client/panels/life-circle/create-life-circle-layers.ts';
import { csvUrl, lifeCircleQuery, shortfallUrl } from '../../client/panels/life-circle/life-circle-api.ts';

describe('life-circle panel helpers', () => {
  it('builds the shared query string for JSON, CSV and shortfall requests', () => {
    expect(lifeCircleQuery({ types: ['kindergarten', 'pharmacy'], tiers: ['5min'], speed: 60 })).toBe('types=kindergarten%2Cpharmacy&tier=5min&speed=60');
    expect(lifeCircleQuery({ types: [], tiers: [], speed: 80 })).toBe('speed=80');
    expect(csvUrl({ types: [], tiers: [], speed: 80 })).toBe('/api/analysis/life-circle/estates.csv?speed=80');
    expect(shortfallUrl('bus_stop', 80)).toBe('/api/analysis/life-circle/shortfall/bus_stop?speed=80');
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
