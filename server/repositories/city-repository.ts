/**
 * Cities (a dataset with no parent city, plus the datasets that belong to it: its ledgers and
 * sample data) as the scope of every per-city result: listing with extent and check years,
 * resolving the `dataset` parameter (a documented default: the only city; else a 400 naming the
 * choices), renaming (audited by trigger, migration 090) and per-city settings.
 */
import { sql, type Kysely } from 'kysely';
import type { CityScope } from '../contract/common.ts';
import type { City } from '../contract/datasets.ts';
import { CITY_SETTINGS, checkValue, resolveParams, type ParamSpec } from '../contract/parameters.ts';
import { badRequest, notFound } from '../errors.ts';

interface CityRow {
  id: string;
  name: string;
  attribution: string | null;
  licence: string | null;
  isSample: boolean;
  datasets: string[];
  w: number | null; s: number | null; e: number | null; n: number | null;
  cx: number | null; cy: number | null;
  checkYears: number[] | null;
  metricSrid: number | null;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** How long listCached() reuses a city list (ms): the map asks for TileJSON of every layer at once. */
const LIST_TTL_MS = 2000;

export function cityRepository(db: Kysely<unknown>) {
  let cached: { at: number; list: Promise<City[]> } | null = null;
  return {
    /**
     * Cities that hold data, with their extent (lon/lat, from buildings, walk edges, estates and
     * green spaces: admin polygons cut by an extract edge would exaggerate it), the centre of
     * that extent, the check years of their successful imports and their metric CRS (UTM zone).
     */
    /** The city list, reused for LIST_TTL_MS (for TileJSON; analyses read it fresh with list()). */
    listCached(): Promise<City[]> {
      if (cached && performance.now() - cached.at < LIST_TTL_MS) return cached.list;
      const list = this.list();
      cached = { at: performance.now(), list };
      list.catch(() => { if (cached?.list === list) cached = null; });
      return list;
    },

    async list(): Promise<City[]> {
      // One LATERAL evaluation per city (a CTE referenced by several columns would be inlined and
      // the extents computed once per column); JIT off: compiling this plan took ~5 s for ~0.1 s of work.
      const rows = await db.transaction().execute(async (trx) => {
        await sql`SET LOCAL jit = off`.execute(trx);
        const r = await sql<CityRow>`
          SELECT d.id, d.name, d.attribution, d.licence, d.is_sample AS "isSample", m.datasets,
                 ST_XMin(b.ext) AS w, ST_YMin(b.ext) AS s, ST_XMax(b.ext) AS e, ST_YMax(b.ext) AS n,
                 ST_X(ST_Centroid(b.ext)) AS cx, ST_Y(ST_Centroid(b.ext)) AS cy, y.years AS "checkYears",
                 analysis.coverage_metric_srid(ST_SetSRID(b.ext, 4326)) AS "metricSrid"
          FROM app.dataset d
          CROSS JOIN LATERAL (SELECT array_agg(x.id ORDER BY x.id <> d.id, x.id) AS datasets FROM app.dataset x WHERE x.id = d.id OR x.city_id = d.id) m
          CROSS JOIN LATERAL (SELECT ST_Extent(u.g)::geometry AS ext FROM (
                   SELECT ST_Extent(geom)::geometry AS g FROM app.building WHERE dataset_id = ANY(m.datasets)
                   UNION ALL SELECT ST_Extent(geom)::geometry FROM app.walk_edge WHERE dataset_id = ANY(m.datasets)
                   UNION ALL SELECT ST_Extent(geom)::geometry FROM app.estate WHERE dataset_id = ANY(m.datasets)
                   UNION ALL SELECT ST_Extent(geom)::geometry FROM app.green_space WHERE dataset_id = ANY(m.datasets)) u) b
          CROSS JOIN LATERAL (SELECT array_agg(DISTINCT r.check_year ORDER BY r.check_year) AS years FROM app.import_run r
                              WHERE r.dataset_id = ANY(m.datasets) AND r.status = 'succeeded') y
          WHERE d.city_id IS NULL AND b.ext IS NOT NULL
          ORDER BY d.id`.execute(trx);
        return r.rows;
      });
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        attribution: r.attribution,
        licence: r.licence,
        isSample: r.isSample,
        datasets: r.datasets,
        bbox: [round6(r.w!), round6(r.s!), round6(r.e!), round6(r.n!)],
        center: [round6(r.cx!), round6(r.cy!)],
        checkYears: r.checkYears ?? [],
        metricCrs: `EPSG:${r.metricSrid}`,
      }));
    },

    /**
     * The city an analysis runs on. `requested` absent: the only city loaded; with several a 400
     * names them. An unknown id, or a dataset that is part of a city, is a 400 naming the choices.
     * A city whose data carries two check years is refused (years never mix in one result) unless
     * `mixedYears` says the caller does not compute a result (e.g. name search).
     */
    async resolve(requested: string | undefined, opts: { mixedYears?: boolean } = {}): Promise<CityScope> {
      const cities = await this.list();
      const choices = () => cities.map((c) => `${c.id} (${c.name})`).join(', ') || 'none loaded';
      let city: City | undefined;
      if (requested === undefined) {
        if (cities.length === 1) city = cities[0];
        else if (cities.length === 0) throw badRequest('No city is loaded yet: import one first (npm run import -- dataset <id>)');
        else throw badRequest(`dataset is required when several cities are loaded; choose one of: ${choices()}`);
      } else {
        city = cities.find((c) => c.id === requested);
        if (!city) {
          const parent = cities.find((c) => c.datasets.includes(requested));
          throw badRequest(parent
            ? `dataset "${requested}" is part of the city "${parent.id}"; use dataset=${parent.id}`
            : `unknown dataset "${requested}"; choose one of: ${choices()}`);
        }
      }
      if (city.checkYears.length > 1 && !opts.mixedYears) {
        throw badRequest(`city "${city.id}" holds data of check years ${city.checkYears.join(', ')}; one result never mixes two years — remove or re-import the older year first`);
      }
      return { dataset: city.id, name: city.name, datasets: city.datasets, metricCrs: city.metricCrs, checkYear: city.checkYears[0] ?? null };
    },

    /**
     * The city of a request and its parameters resolved against `specs` (request → city setting →
     * app.setting → default), with the check year of the city's data as an effective parameter.
     */
    async scoped<T extends Record<string, ParamSpec>>(dataset: string | undefined, specs: T, request: { [K in keyof T]?: unknown }) {
      const city = await this.resolve(dataset);
      const s = await this.settings(city.dataset);
      const { values, effective } = resolveParams(specs, request, s.city, s.installation);
      return { city, values, effective: { ...effective, checkYear: { value: city.checkYear, origin: 'default' as const } } };
    },

    /** The city's own settings and the installation-wide ones (app.setting), as key → JSON value. */
    async settings(cityId: string): Promise<{ city: Record<string, unknown>; installation: Record<string, unknown> }> {
      const { rows } = await sql<{ scope: 'city' | 'installation'; key: string; value: unknown }>`
        SELECT 'city' AS scope, key, value FROM app.dataset_setting WHERE dataset_id = ${cityId}
        UNION ALL SELECT 'installation', key, value FROM app.setting`.execute(db);
      const out = { city: {} as Record<string, unknown>, installation: {} as Record<string, unknown> };
      for (const r of rows) out[r.scope][r.key] = r.value;
      return out;
    },

    /** Renames a city (audited by trigger); 404 when it is not a city. */
    async rename(id: string, name: string): Promise<City> {
      const r = await sql`UPDATE app.dataset SET name = ${name} WHERE id = ${id} AND city_id IS NULL RETURNING id`.execute(db);
      if (!r.rows.length) throw notFound(`No city "${id}"`);
      cached = null;
      const city = (await this.list()).find((c) => c.id === id);
      if (!city) throw notFound(`City "${id}" holds no data`);
      return city;
    },

    /** Sets (or with null clears) one whitelisted setting of a city; audited and notified by trigger. */
    async setSetting(id: string, key: string, value: unknown): Promise<void> {
      const spec = CITY_SETTINGS.get(key);
      if (!spec) throw badRequest(`unknown setting "${key}"; settable: ${[...CITY_SETTINGS.keys()].join(', ')}`);
      const exists = await sql`SELECT 1 FROM app.dataset WHERE id = ${id} AND city_id IS NULL`.execute(db);
      if (!exists.rows.length) throw notFound(`No city "${id}"`);
      if (value === null) {
        await sql`DELETE FROM app.dataset_setting WHERE dataset_id = ${id} AND key = ${key}`.execute(db);
        return;
      }
      const bad = checkValue(key, spec, value);
      if (bad) throw badRequest(bad);
      await sql`
        INSERT INTO app.dataset_setting (dataset_id, key, value) VALUES (${id}, ${key}, ${JSON.stringify(value)}::jsonb)
        ON CONFLICT (dataset_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`.execute(db);
    },
  };
}

export type CityRepository = ReturnType<typeof cityRepository>;
