import path from 'node:path';
import { featureFilter, type StyleSpecification, validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOsm } from '../../geodata/osm/import-osm.ts';
import { basemapStyle } from '../../tiles/basemap-style.ts';
import { testPool } from '../helpers/db.ts';

const pool = testPool();
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/osm/coastline.osm.xml');
const dataset = { id: 'osm-fixture-coast', name: 'fixture: a coast with an island' };
afterAll(() => pool.end());
beforeAll(async () => {
  await importOsm(pool, { source: FIXTURE, dataset, checkYear: 2026 });
});

const sea = async () => (await pool.query(`SELECT source_id, kind, ST_AsEWKT(geom) AS g, ST_IsValid(geom) AS valid, ST_Area(geom) AS deg2
  FROM app.base_water WHERE dataset_id = $1 AND kind = 'sea'`, [dataset.id])).rows;

describe('coastline and sea (osm fixture)', () => {
  it('turns the coastline into one valid sea polygon on its right, with the island cut out', async () => {
    const rows = await sea();
    expect(rows).toHaveLength(1);
    expect(rows[0].valid).toBe(true);
    // 0.0135° mean width × 0.02° − the 0.004° island (fixture header), in planar degrees.
    expect(rows[0].deg2).toBeCloseTo(0.000254, 9);
    const { rows: [at] } = await pool.query(`SELECT ST_Intersects(ST_GeomFromEWKT($1), ST_SetSRID(ST_MakePoint(13.002, 54.510), 4326)) AS open_sea,
        ST_Intersects(ST_GeomFromEWKT($1), ST_SetSRID(ST_MakePoint(13.006, 54.510), 4326)) AS island,
        ST_Intersects(ST_GeomFromEWKT($1), ST_SetSRID(ST_MakePoint(13.025, 54.510), 4326)) AS land`, [rows[0].g]);
    expect(at).toEqual({ open_sea: true, island: false, land: false });
  });

  it('keeps the coastline ways as lines of kind coastline', async () => {
    const { rows } = await pool.query(`SELECT source_id, GeometryType(geom) AS t FROM app.base_water WHERE dataset_id = $1 AND kind = 'coastline' ORDER BY 1`, [dataset.id]);
    expect(rows).toEqual([{ source_id: 'w51001:line', t: 'LINESTRING' }, { source_id: 'w51004:line', t: 'LINESTRING' }]);
  });

  it('is drawn by the basemap style: the sea as water area, the coastline as its own line', () => {
    const style = basemapStyle('http://127.0.0.1:8080') as unknown as StyleSpecification;
    expect(validateStyleMin(style)).toEqual([]);
    // geometry type codes as MapLibre evaluates them: 2 line, 3 polygon
    const drawnBy = (kind: string, type: 2 | 3) => style.layers
      .filter((l) => 'source-layer' in l && l['source-layer'] === 'water')
      .filter((l) => featureFilter('filter' in l ? l.filter : undefined, l.id).filter({ zoom: 14 }, { type, properties: { kind } }))
      .map((l) => l.id);
    expect(drawnBy('sea', 3)).toEqual(['water-area']);
    expect(drawnBy('coastline', 2)).toEqual(['coastline']);
    expect(drawnBy('river', 2)).toEqual(['water-line']);
  });
});
