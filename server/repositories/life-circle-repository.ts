/**
 * Database side of the life-circle analysis: the facility catalog, estates with their access
 * point and admin units, facilities, shortfall geometries, and stored runs. SQL only through
 * kysely's `sql` template with bound values.
 */
import { sql, type Kysely } from 'kysely';
import { effectiveCatalog, type EffectiveFacilityType } from './facility-type-repository.ts';

/** A catalog row as used by an analysis: the effective catalog of a dataset (facility-type-repository.ts). */
export type FacilityTypeRow = EffectiveFacilityType;

/**
 * An estate's origin for walking access is ST_PointOnSurface of its polygon (always inside it,
 * unlike the centroid of an L-shaped estate), snapped to the nearest walkable edge. District and
 * subdistrict are the admin units containing that point.
 */
export interface EstateRow {
  id: number;
  /** Own name, else derived from the nearest street (analysis.estate_label; nameDerived). */
  name: string | null;
  nameEn?: string | null;
  nameDerived?: boolean;
  residents: number | null;
  isOld: boolean;
  /** app.dataset the estate belongs to (the city whose catalog applies). */
  datasetId?: string | null;
  lon: number;
  lat: number;
  districtId: number | null;
  districtName: string | null;
  subdistrictId: number | null;
  subdistrictName: string | null;
}

export interface FacilityRow {
  id: number;
  type: string;
  name: string | null;
  lon: number;
  lat: number;
}

export interface StoredResultRow {
  estateId: number;
  type: string;
  distanceM: number | null;
  standardM: number;
  met: boolean;
  reason: string | null;
  facilityId: number | null;
}

export function lifeCircleRepository(db: Kysely<unknown>) {
  return {
    /** The effective facility catalog of a dataset; the documented defaults when `dataset` is null. */
    catalog(dataset: string | null = null): Promise<FacilityTypeRow[]> {
      return effectiveCatalog(db, dataset);
    },

    async estates(): Promise<EstateRow[]> {
      const r = await sql<EstateRow>`
        WITH e AS (SELECT id, residents, is_old, dataset_id, ST_PointOnSurface(geom) AS p FROM app.estate_v)
        SELECT e.id, l.name, l.name_en AS "nameEn", l.derived AS "nameDerived", e.residents, e.is_old AS "isOld", e.dataset_id AS "datasetId", ST_X(e.p) AS lon, ST_Y(e.p) AS lat,
               d.id AS "districtId", d.name AS "districtName", s.id AS "subdistrictId", s.name AS "subdistrictName"
        FROM e
        CROSS JOIN LATERAL analysis.estate_label(e.id) l
        LEFT JOIN LATERAL (SELECT id, name FROM app.admin_unit a WHERE a.level = 'district' AND ST_Intersects(a.geom, e.p) ORDER BY id LIMIT 1) d ON true
        LEFT JOIN LATERAL (SELECT id, name FROM app.admin_unit a WHERE a.level = 'subdistrict' AND ST_Intersects(a.geom, e.p) ORDER BY id LIMIT 1) s ON true
        ORDER BY e.id`.execute(db);
      return r.rows;
    },

    async facilities(): Promise<FacilityRow[]> {
      const r = await sql<FacilityRow>`
        SELECT id, type_code AS type, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM app.facility ORDER BY id`.execute(db);
      return r.rows;
    },

    /** Estate polygons as GeoJSON geometries, by id. */
    async estateGeometries(ids: number[]): Promise<Map<number, { type: string }>> {
      if (!ids.length) return new Map();
      const r = await sql<{ id: number; g: { type: string } }>`
        SELECT id, ST_AsGeoJSON(geom, 7)::json AS g FROM app.estate WHERE id = ANY(${ids}::bigint[])`.execute(db);
      return new Map(r.rows.map((x) => [x.id, x.g]));
    },

    /** Stores one run with its parameters and catalog, and every estate × type result. */
    async saveRun(run: {
      params: unknown; catalog: unknown; graph: unknown; summary: unknown; durationMs: number; rows: StoredResultRow[]; estateCount: number;
      dataset: string | null; metricCrs: string | null; effective: unknown;
    }): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const srid = run.metricCrs ? Number(run.metricCrs.replace(/^EPSG:/, '')) : null;
        const ins = await sql<{ id: number }>`
          INSERT INTO app.life_circle_run (params, catalog, graph, summary, estate_count, duration_ms, dataset_id, metric_srid, effective)
          VALUES (${JSON.stringify(run.params)}::jsonb, ${JSON.stringify(run.catalog)}::jsonb, ${JSON.stringify(run.graph)}::jsonb,
                  ${JSON.stringify(run.summary)}::jsonb, ${run.estateCount}, ${run.durationMs}, ${run.dataset}, ${srid}::integer,
                  ${JSON.stringify(run.effective)}::jsonb)
          RETURNING id`.execute(trx);
        const runId = ins.rows[0].id;
        for (let i = 0; i < run.rows.length; i += 5000) {
          const batch = run.rows.slice(i, i + 5000);
          await sql`
            INSERT INTO app.life_circle_result (run_id, estate_id, type_code, distance_m, standard_m, met, reason, facility_id)
            SELECT ${runId}, r."estateId", r.type, r."distanceM", r."standardM", r.met, r.reason, r."facilityId"
            FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
              AS r("estateId" bigint, type text, "distanceM" double precision, "standardM" double precision,
                   met boolean, reason text, "facilityId" bigint)`.execute(trx);
        }
        return runId;
      });
    },
  };
}

export type LifeCircleRepository = ReturnType<typeof lifeCircleRepository>;
