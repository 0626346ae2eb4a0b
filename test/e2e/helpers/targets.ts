/**
 * Known features of the loaded city for pixel checks: a named park with a point inside it that no
 * other drawn feature covers, a building, a waterlogging point and a facility near it, a road and a
 * background spot. Everything in lon/lat (EPSG:4326).
 */
import type pg from 'pg';
import { DEFAULT_DATASET_ID } from '../../../geodata/datasets.ts';

export interface Target {
  lon: number;
  lat: number;
}

export interface Targets {
  center: Target;
  park: Target & { id: number; name: string; bboxCenter: [number, number] };
  building: Target;
  waterlogging: Target & { props: Record<string, unknown> };
  facility: Target & { props: Record<string, unknown> };
  road: Target;
  background: Target;
}

/** Geometries drawn above green space in the tests' layer sets (heritage is off there), buffered so a click or pixel lands clear of them. */
const COVER = `
  SELECT geom FROM app.building WHERE ST_Intersects(geom, p.geom)
  UNION ALL SELECT geom FROM app.estate WHERE ST_Intersects(geom, p.geom)
  UNION ALL SELECT ST_Buffer(geom::geography, 25)::geometry FROM app.facility WHERE ST_DWithin(geom::geography, p.geom::geography, 30)
  UNION ALL SELECT ST_Buffer(geom::geography, 30)::geometry FROM app.waterlogging_point WHERE ST_DWithin(geom::geography, p.geom::geography, 30)
  UNION ALL SELECT ST_Buffer(ST_Boundary(geom)::geography, 12)::geometry FROM app.admin_unit WHERE ST_Intersects(geom, p.geom)
  UNION ALL SELECT ST_Buffer(ST_Boundary(p.geom)::geography, 12)::geometry`;

/** @throws when the loaded city lacks one of the targets (the default dataset is expected). */
export async function findTargets(pool: pg.Pool): Promise<Targets> {
  const park = await pool.query(`
    SELECT p.id::int AS id, p.name, ST_X(s) AS lon, ST_Y(s) AS lat,
           (ST_XMin(p.geom) + ST_XMax(p.geom)) / 2 AS cx, (ST_YMin(p.geom) + ST_YMax(p.geom)) / 2 AS cy
    FROM app.green_space p
    CROSS JOIN LATERAL (
      SELECT ST_PointOnSurface(ST_Buffer(ST_Difference(p.geom, coalesce(ST_Union(c.geom), 'SRID=4326;POLYGON EMPTY'::geometry))::geography, -8)::geometry) AS s
      FROM (${COVER}) c
    ) free
    WHERE p.is_park AND p.name IS NOT NULL AND NOT ST_IsEmpty(s) AND p.dataset_id = $1
    ORDER BY ST_Area(p.geom::geography) DESC LIMIT 1`, [DEFAULT_DATASET_ID]);
  if (!park.rows[0]) throw new Error('no named park with a clear interior point in the test city');
  const pk = park.rows[0];
  const near = (table: string, extra = '') => `
    SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, ${extra} 1 AS one FROM ${table} t
    WHERE abs(ST_X(geom) - $1) < 0.0045 AND abs(ST_Y(geom) - $2) < 0.003
      AND NOT EXISTS (SELECT 1 FROM app.facility f WHERE NOT ST_Equals(f.geom, t.geom) AND ST_DWithin(f.geom::geography, t.geom::geography, 25))
      AND NOT EXISTS (SELECT 1 FROM app.waterlogging_point w WHERE NOT ST_Equals(w.geom, t.geom) AND ST_DWithin(w.geom::geography, t.geom::geography, 25))
    ORDER BY ST_Distance(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1`;
  // Centre the view between the park and the nearest waterlogging point so all targets fit.
  const w0 = await pool.query(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM app.waterlogging_point ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 1`, [pk.lon, pk.lat]);
  if (!w0.rows[0]) throw new Error('no waterlogging point in the test city');
  const center = { lon: (pk.lon + w0.rows[0].lon) / 2, lat: (pk.lat + w0.rows[0].lat) / 2 };
  const args = [center.lon, center.lat];
  const water = await pool.query(near('app.waterlogging_point', `jsonb_build_object('severity', severity, 'status', status) AS props,`), args);
  const facility = await pool.query(near('tiles.facilities', `jsonb_build_object('category', category) AS props,`), args);
  const building = await pool.query(`
    SELECT ST_X(s) AS lon, ST_Y(s) AS lat FROM (
      SELECT ST_PointOnSurface(ST_Buffer(geom::geography, -3)::geometry) AS s, geom FROM app.building
      WHERE abs(ST_X(ST_Centroid(geom)) - $1) < 0.004 AND abs(ST_Y(ST_Centroid(geom)) - $2) < 0.0028
        AND ST_Area(geom::geography) > 600
        AND NOT EXISTS (SELECT 1 FROM app.facility f WHERE ST_DWithin(f.geom::geography, building.geom::geography, 20))
        AND NOT EXISTS (SELECT 1 FROM app.waterlogging_point f WHERE ST_DWithin(f.geom::geography, building.geom::geography, 20))
      ORDER BY ST_Area(geom::geography) DESC LIMIT 1) b WHERE NOT ST_IsEmpty(s)`, args);
  const road = await pool.query(`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT ST_ClosestPoint(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS p FROM app.base_road
      WHERE class IN ('primary', 'secondary', 'trunk', 'tertiary')
      ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 1) r
    WHERE abs(ST_X(p) - $1) < 0.004 AND abs(ST_Y(p) - $2) < 0.0028`, args);
  const background = await pool.query(`
    WITH box AS (SELECT ST_MakeEnvelope($1 - 0.004, $2 - 0.0028, $1 + 0.004, $2 + 0.0028, 4326) AS g),
    covered AS (
      SELECT ST_Union(ST_Buffer(x.geom::geography, 15)::geometry) AS g FROM (
        SELECT geom FROM app.base_road UNION ALL SELECT geom FROM app.base_water UNION ALL SELECT geom FROM app.base_landuse
        UNION ALL SELECT geom FROM app.building UNION ALL SELECT geom FROM app.green_space UNION ALL SELECT geom FROM app.base_place) x, box
      WHERE ST_Intersects(x.geom, box.g))
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(ST_Difference(box.g, coalesce(covered.g, 'SRID=4326;POLYGON EMPTY'::geometry))) AS p FROM box, covered) q`, args);
  for (const [name, r] of Object.entries({ water, facility, building, road, background })) {
    if (!r.rows[0]) throw new Error(`no ${name} target near the park`);
  }
  return {
    center,
    park: { id: pk.id, name: pk.name, lon: pk.lon, lat: pk.lat, bboxCenter: [pk.cx, pk.cy] },
    building: building.rows[0],
    waterlogging: water.rows[0],
    facility: facility.rows[0],
    road: road.rows[0],
    background: background.rows[0],
  };
}
