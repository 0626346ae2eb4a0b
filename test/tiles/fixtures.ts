/**
 * Small hand-made rows for tile and feature tests, placed around a given centre (lon/lat) so test
 * files running side by side on one database do not see each other's features. Each call uses its
 * own dataset id.
 */
import type pg from 'pg';

export interface Fixture {
  dataset: string;
  center: [number, number];
  ids: { park: number; farPark: number; buildings: number[]; waterlogging: number[]; roads: number[] };
}

/** A lon/lat square of side `d` degrees centred on (lon, lat), as WKT MultiPolygon. */
export function square(lon: number, lat: number, d: number): string {
  const h = d / 2;
  return `MULTIPOLYGON(((${lon - h} ${lat - h},${lon + h} ${lat - h},${lon + h} ${lat + h},${lon - h} ${lat + h},${lon - h} ${lat - h})))`;
}

/** Inserts the fixture rows; `far` is where the "unrelated" park goes. */
export async function insertFixture(pool: pg.Pool, dataset: string, center: [number, number], far: [number, number]): Promise<Fixture> {
  const [lon, lat] = center;
  await pool.query(`INSERT INTO app.dataset (id, name, attribution, licence) VALUES ($1, $2, '© OpenStreetMap contributors', 'ODbL') ON CONFLICT DO NOTHING`, [dataset, `Fixture ${dataset}`]);
  const ins = async (sql: string, params: unknown[]) => Number((await pool.query(sql, params)).rows[0].id);
  const park = await ins(
    `INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year) VALUES ('测试公园', 'park', true, ST_GeomFromText($1, 4326), $2, 'park', 2024) RETURNING id`,
    [square(lon, lat, 0.002), dataset],
  );
  const farPark = await ins(
    `INSERT INTO app.green_space (name, kind, is_park, geom, dataset_id, source_id, check_year) VALUES ('远处公园', 'park', true, ST_GeomFromText($1, 4326), $2, 'far-park', 2024) RETURNING id`,
    [square(far[0], far[1], 0.002), dataset],
  );
  const buildings = [];
  const specs: [string, number | null, number | null, number | null][] = [
    ['高楼', 30, 90, 2005], ['老楼', 6, null, 1985], ['无名', null, null, null],
  ];
  for (const [i, [name, levels, height, year]] of specs.entries()) {
    buildings.push(await ins(
      `INSERT INTO app.building (name, use, levels, height_m, build_year, geom, dataset_id, source_id, check_year)
       VALUES ($1, 'residential', $2, $3, $4, ST_GeomFromText($5, 4326), $6, $7, 2024) RETURNING id`,
      [name, levels, height, year, square(lon + 0.0015 + i * 0.0004, lat + 0.0015, 0.0003), dataset, `b${i}`],
    ));
  }
  const waterlogging = [];
  const points: [string, string, number, number][] = [['中山路积水点', 'untreated', 40, 2022], ['汉中路积水点', 'in_progress', 25, 2023], ['洪武路积水点', 'closed', 10, 2024]];
  for (const [i, [name, status, depth, year]] of points.entries()) {
    waterlogging.push(await ins(
      `INSERT INTO app.waterlogging_point (name, status, max_depth_cm, severity, geom, dataset_id, source_id, check_year, is_sample)
       VALUES ($1, $2, $3, 'medium', ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, true) RETURNING id`,
      [name, status, depth, lon - 0.001 * (i + 1), lat - 0.0005, dataset, `w${i}`, year],
    ));
  }
  const roads = [];
  for (const [i, [cls, name]] of ([['primary', '中山路'], ['path', null]] as const).entries()) {
    roads.push(await ins(
      `INSERT INTO app.base_road (class, name, geom, dataset_id, source_id, check_year)
       VALUES ($1, $2, ST_SetSRID(ST_MakeLine(ST_MakePoint($3, $4), ST_MakePoint($5, $4)), 4326), $6, $7, 2024) RETURNING id`,
      [cls, name, lon - 0.004, lat + 0.0008 * (i + 1), lon + 0.004, dataset, `r${i}`],
    ));
  }
  return { dataset, center, ids: { park, farPark, buildings, waterlogging, roads } };
}
