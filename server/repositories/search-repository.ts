/**
 * Name search and the reference lists the map client needs: admin units for the zoom-to list,
 * code labels (zh/en), facility types and datasets. SQL only here, values always bound parameters.
 */
import { sql, type Kysely } from 'kysely';

/** [west, south, east, north] in lon/lat (EPSG:4326). */
export type Bbox = [number, number, number, number];

/** Tile/collection layer ids that search covers (see the tile catalog). */
export type SearchLayer = 'estates' | 'green_spaces' | 'facilities' | 'admin_units';

export interface SearchHit {
  layer: SearchLayer;
  id: number;
  name: string;
  /** Sub-type code: facility type_code, green_space kind, admin_unit level, 'estate'. */
  kind: string;
  bbox: Bbox;
}

/** Escapes LIKE wildcards so user text matches literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Case-insensitive substring search over estate, green-space, facility and admin-unit names (and the
 * English admin-unit name). Exact matches first, then prefixes, then shorter names. `datasets`: only
 * rows of these datasets (a city and its ledgers); null = every city.
 */
export async function searchByName(db: Kysely<unknown>, q: string, limit: number, datasets: readonly string[] | null = null): Promise<SearchHit[]> {
  const pattern = likePattern(q);
  const ds = datasets === null ? null : [...datasets];
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const r = await sql<{ layer: SearchLayer; id: number; name: string; kind: string; w: number; s: number; e: number; n: number }>`
    WITH hits AS (
      SELECT 'estates' AS layer, id, name, 'estate' AS kind, geom, dataset_id FROM app.estate WHERE name ILIKE ${pattern}
      UNION ALL
      SELECT 'green_spaces', id, name, kind, geom, dataset_id FROM app.green_space WHERE name ILIKE ${pattern}
      UNION ALL
      SELECT 'facilities', id, name, type_code, geom, dataset_id FROM app.facility WHERE name ILIKE ${pattern}
      UNION ALL
      SELECT 'admin_units', id, name, level, geom, dataset_id FROM app.admin_unit WHERE name ILIKE ${pattern} OR name_en ILIKE ${pattern}
    )
    SELECT layer, id, name, kind,
           ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n
    FROM hits
    WHERE ${ds}::text[] IS NULL OR dataset_id = ANY(${ds}::text[])
    ORDER BY (lower(name) = lower(${q})) DESC, (name ILIKE ${prefix}) DESC, length(name), name, layer, id
    LIMIT ${limit}`.execute(db);
  return r.rows.map(({ w, s, e, n, ...hit }) => ({ ...hit, bbox: [w, s, e, n] }));
}

export interface AdminUnitEntry {
  id: number;
  /** The city the unit belongs to (its dataset's city, or the dataset itself when it is a city). */
  city: string;
  parentId: number | null;
  level: 'city' | 'district' | 'subdistrict' | 'community';
  name: string;
  nameEn: string | null;
  population: number | null;
  bbox: Bbox;
}

/**
 * Admin units, coarse levels first, for the zoom-to list: those of the datasets of one city, or of
 * every city (`datasets` undefined), each naming its city.
 */
export async function listAdminUnits(db: Kysely<unknown>, datasets?: readonly string[]): Promise<AdminUnitEntry[]> {
  const r = await sql<Omit<AdminUnitEntry, 'bbox'> & { w: number; s: number; e: number; n: number }>`
    SELECT u.id, coalesce(d.city_id, d.id) AS city, u.parent_id AS "parentId", u.level, u.name, u.name_en AS "nameEn", u.population,
           ST_XMin(u.geom) AS w, ST_YMin(u.geom) AS s, ST_XMax(u.geom) AS e, ST_YMax(u.geom) AS n
    FROM app.admin_unit u JOIN app.dataset d ON d.id = u.dataset_id
    WHERE ${datasets === undefined ? sql`true` : sql`u.dataset_id = ANY(${[...datasets]}::text[])`}
    ORDER BY array_position(ARRAY['city', 'district', 'subdistrict', 'community'], u.level), u.name, u.id`.execute(db);
  return r.rows.map(({ w, s, e, n, ...u }) => ({ ...u, bbox: [w, s, e, n] }));
}

export interface LabelSet {
  /** domain → code → labels, e.g. codes.severity.high = { zh: '较重', en: 'High' }. */
  codes: Record<string, Record<string, { zh: string; en: string; sort: number }>>;
  facilityTypes: Record<string, { zh: string; en: string; category: string; tier: string | null; sort: number }>;
  datasets: Record<string, { name: string; attribution: string | null; licence: string | null; isSample: boolean }>;
}

/** Code labels, facility types and datasets in one object for the client's feature panel and legends. */
export async function readLabels(db: Kysely<unknown>): Promise<LabelSet> {
  const codes = await sql<{ domain: string; code: string; zh: string; en: string; sort: number }>`
    SELECT domain, code, label_zh AS zh, label_en AS en, sort FROM app.code_label ORDER BY domain, sort, code`.execute(db);
  const types = await sql<{ code: string; zh: string; en: string; category: string; tier: string | null; sort: number }>`
    SELECT code, name_zh AS zh, name_en AS en, category, life_circle_tier AS tier, sort FROM app.facility_type ORDER BY sort, code`.execute(db);
  const ds = await sql<{ id: string; name: string; attribution: string | null; licence: string | null; isSample: boolean }>`
    SELECT id, name, attribution, licence, is_sample AS "isSample" FROM app.dataset ORDER BY id`.execute(db);
  const out: LabelSet = { codes: {}, facilityTypes: {}, datasets: {} };
  for (const { domain, code, ...l } of codes.rows) (out.codes[domain] ??= {})[code] = l;
  for (const { code, ...t } of types.rows) out.facilityTypes[code] = t;
  for (const { id, ...d } of ds.rows) out.datasets[id] = d;
  return out;
}
