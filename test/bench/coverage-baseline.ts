/**
 * The strongest simple baseline of park coverage (issue 15), shared by bench:coverage and bench:scale:
 * one PostGIS statement — the union of the size-rule buffers (parks ≥ 5,000 m² serve 500 m, parks
 * ≥ 2,000 m² serve 300 m) intersected with the dissolved residential land, in the city's metric CRS.
 * City figure only: no units, estates or layers. Returns the covered share in % of residential land.
 */
import type pg from 'pg';

export async function oneStatementCoverage(pool: pg.Pool, dataset: string): Promise<number> {
  const r = await pool.query<{ pct: string | number }>(`
    WITH m AS (SELECT analysis.coverage_metric_srid(ST_SetSRID(ST_Extent(geom)::geometry, 4326)) AS srid FROM app.base_landuse WHERE dataset_id = $1 AND kind = 'residential'),
    res AS (SELECT ST_Union(ST_Transform(l.geom, m.srid)) AS g FROM app.base_landuse l, m WHERE l.dataset_id = $1 AND l.kind = 'residential'),
    buf AS (SELECT ST_Union(ST_Buffer(ST_Transform(p.geom, m.srid), CASE WHEN p.area_m2 >= 5000 THEN 500 ELSE 300 END)) AS g
            FROM app.green_space p, m WHERE p.dataset_id = $1 AND p.is_park AND p.is_public AND p.area_m2 >= 2000)
    SELECT 100 * ST_Area(ST_Intersection(res.g, buf.g)) / ST_Area(res.g) AS pct FROM res, buf`, [dataset]);
  return Number(r.rows[0].pct);
}
