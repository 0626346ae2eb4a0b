/**
 * The declarative shape of a ledger layer: which table it fills, which source headers (Chinese or
 * English) map to which column, how each value is parsed, and which geometry it takes. Table and
 * column names used in SQL come only from these specs (a whitelist), never from the file.
 */

/** Units accepted after a number, as factor to the field's base unit (e.g. 米 → 100 for cm). */
export type UnitTable = Record<string, number>;

export type FieldType =
  | { kind: 'text' }
  | { kind: 'int'; min?: number; max?: number; units?: UnitTable }
  | { kind: 'year' }
  | { kind: 'number'; min?: number; baseUnit: string; units: UnitTable }
  | { kind: 'bool' }
  | { kind: 'enum'; domain: string; values: Record<string, string> }
  | { kind: 'enum_list'; domain: string; values: Record<string, string> }
  | { kind: 'date' }
  | { kind: 'facility_type' };

export interface FieldSpec {
  /** Column of the layer table, or a key of props when `column` is false. */
  field: string;
  /** Accepted headers, compared after normalisation (case, spaces, brackets and units dropped). */
  headers: string[];
  type: FieldType;
  required?: boolean;
  /** false: the value is kept in props (e.g. a parent's name resolved after loading). Default true. */
  column?: boolean;
  /** Human label for messages, Chinese first. */
  label: string;
  /** Value stored when the cell is empty or the column absent (mirrors the column's NOT NULL default). */
  default?: unknown;
}

export type GeometryKind = 'point' | 'polygon' | 'point_or_polygon';

export interface LayerSpec {
  layer: string;
  /** Table in schema app (whitelisted identifier). */
  table: string;
  label: string;
  geometry: GeometryKind;
  /** Point input is accepted and turned into a footprint polygon (estates given as points). */
  pointFootprint?: boolean;
  /**
   * Words real ledgers put before a header (易涝点名称, 潜在积水点位, 内涝风险等级): a header that
   * matches nothing is matched again with these stripped from its start, repeatedly.
   */
  headerPrefixes?: string[];
  /**
   * Rows without a name get a generated, stable one (with a warning) instead of a rejection:
   * `<prefix> <file id>`, else `<prefix> (lon, lat)` from the file's own coordinates. Only for
   * layers whose name describes a place rather than identifies it (candidate lists of 积水点 have none).
   */
  generatedName?: { prefix: string };
  fields: FieldSpec[];
}

/** Headers that carry the row's stable id (upsert key). */
export const ID_HEADERS = ['编号', '唯一编号', '标识码', '编码', '点位编号', '点编号', '点位代码', '统一编号', 'id', 'source_id', 'sourceid', 'fid', 'code_id'];
/**
 * Row counters (序号). Not ids: a 序号 is renumbered when rows are sorted, inserted or deleted, and an
 * id that moves makes a re-import overwrite one place with another's data. Kept in props and named
 * in the mapping report; a planner whose 序号 never changes maps it with `--map 序号=id`.
 */
export const SEQ_HEADERS = ['序号', '顺序号', '行号', '序', 'no', 'no.', 'seq'];
/** Longitude / latitude columns. */
export const LON_HEADERS = ['经度', '经度坐标', '东经', 'lon', 'lng', 'long', 'longitude', 'x', 'x坐标', '横坐标'];
export const LAT_HEADERS = ['纬度', '纬度坐标', '北纬', 'lat', 'latitude', 'y', 'y坐标', '纵坐标'];
/** WKT geometry column. */
export const WKT_HEADERS = ['wkt', 'geometry', 'geom', 'the_geom', 'shape', '几何', '空间范围', '坐标串', '范围'];

/** Normalises a header for matching: lower case, no spaces/BOM, bracketed unit hints removed. */
export function normalizeHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .replace(/[（(【[][^）)】\]]*[）)】\]]/g, '')
    .replace(/[\s_\-·:：]/g, '')
    .toLowerCase();
}

/** The unit hint inside brackets of a header, e.g. "积水深度(m)" → "m", "面积（公顷）" → "公顷". */
export function headerUnit(h: string): string | undefined {
  const m = /[（(【[]\s*([^）)】\]]+?)\s*[）)】\]]/.exec(h);
  return m ? m[1].toLowerCase() : undefined;
}
