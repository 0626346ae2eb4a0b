/**
 * The computing engines of the health check, whitelisted by name (app.indicator_def.engine). Each
 * reads one city and returns one value per check unit it applies to, with the effective rule
 * parameters (and their origin) and the layers whose import runs fed it. Engines reuse what exists:
 * park coverage runs the green-coverage engine (analysis.green_coverage_run through its repository),
 * the rest are the SQL functions analysis.check_count_engine and analysis.check_park_per_capita.
 * No Fastify here: server/routes/check.ts wires it.
 */
import { sql, type Kysely } from 'kysely';
import type { EffectiveParams } from '../contract/common.ts';
import { GREEN_COVERAGE_PARAMS, resolveParams, type ParamSpec } from '../contract/parameters.ts';
import { greenCoverageRepository } from '../repositories/green-coverage-repository.ts';

export type UnitKind = 'city' | 'district' | 'subdistrict' | 'community' | 'estate' | 'building';

export interface EngineRow {
  unitKind: UnitKind;
  /** app.admin_unit / app.estate / app.building id; null for the city. */
  unitId: number | null;
  unitName: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface EngineInput {
  db: Kysely<unknown>;
  dataset: string;
  year: number;
  /** The indicator's catalogue parameters (app.indicator_def.params). */
  params: Record<string, unknown>;
  /** The city's settings and the installation's (app.dataset_setting, app.setting). */
  settings: { city: Record<string, unknown>; installation: Record<string, unknown> };
}

export interface EngineOutput {
  rows: EngineRow[];
  effective: EffectiveParams;
}

export interface Engine {
  /** Layer tables (app.<layer>) whose rows the engine reads: their import runs are the value's inputs. */
  layers: readonly string[];
  run(input: EngineInput): Promise<EngineOutput>;
}

/** Layers whose import runs may be recorded as inputs (whitelist for the table name). */
export const INPUT_LAYERS = ['admin_unit', 'estate', 'building', 'green_space', 'base_landuse', 'waterlogging_point', 'heritage_site'] as const;
export type InputLayer = (typeof INPUT_LAYERS)[number];

const OLD_ESTATE_PARAMS = {
  cutoffYear: { default: 2000, setting: 'old_estate_cutoff_year', min: 1900, max: 2200, source: 'built before the end of 2000 (国办发〔2020〕23号, CONFIRMED [S33])' },
} as const satisfies Record<string, ParamSpec>;

interface SqlRow { unit_kind: UnitKind; unit_id: string | null; unit_name: string | null; value: number | null; numerator: number | null; denominator: number | null }
const toRows = (rows: SqlRow[]): EngineRow[] => rows.map((r) => ({
  unitKind: r.unit_kind, unitId: r.unit_id === null ? null : Number(r.unit_id), unitName: r.unit_name,
  value: r.value, numerator: r.numerator, denominator: r.denominator,
}));

/** Catalogue parameters as effective parameters (origin: the catalogue default). */
function catalogueParams(params: Record<string, unknown>): EffectiveParams {
  const out: EffectiveParams = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === null || ['number', 'boolean', 'string'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      out[k] = { value: v as EffectiveParams[string]['value'], origin: 'default' };
    }
  }
  return out;
}

function sqlCountEngine(name: string, layers: readonly string[], extra?: Record<string, ParamSpec>): Engine {
  return {
    layers,
    async run({ db, dataset, year, params, settings }) {
      const resolved = extra ? resolveParams(extra, {}, settings.city, settings.installation) : { values: {}, effective: {} };
      const all = { ...params, ...resolved.values };
      const { rows } = await sql<SqlRow>`
        SELECT unit_kind, unit_id, unit_name, value, numerator, denominator
        FROM analysis.check_count_engine(${dataset}, ${name}, ${JSON.stringify(all)}::jsonb, ${year}::int)`.execute(db);
      return { rows: toRows(rows), effective: { ...catalogueParams(params), ...resolved.effective } };
    },
  };
}

const greenCoverage: Engine = {
  layers: ['green_space', 'base_landuse', 'admin_unit'],
  async run({ db, dataset, params, settings }) {
    const request = { mode: params.mode ?? 'official', target: params.target ?? 'residential_land' };
    const { values: { mode, target, ...rules }, effective } = resolveParams(GREEN_COVERAGE_PARAMS, request, settings.city, settings.installation);
    const run = await greenCoverageRepository(db).run({
      dataset, mode: mode as 'official', target: target as 'residential_land', rules, effective,
    });
    if (!run) return { rows: [], effective };
    return {
      rows: run.units.map((u) => ({
        unitKind: u.unitKind, unitId: u.unitKind === 'city' ? null : u.unitId, unitName: u.name,
        value: u.officialPct, numerator: u.officialM2, denominator: u.targetM2,
      })),
      effective: { ...effective, coverageRunId: { value: run.runId, origin: 'default' } },
    };
  },
};

const parkPerCapita: Engine = {
  layers: ['green_space', 'admin_unit'],
  async run({ db, dataset, params }) {
    const { rows } = await sql<SqlRow>`
      SELECT unit_kind, unit_id, unit_name, value, numerator, denominator FROM analysis.check_park_per_capita(${dataset})`.execute(db);
    return { rows: toRows(rows), effective: catalogueParams(params) };
  },
};

/** The whitelist: app.indicator_def.engine → engine. */
export const ENGINES: Readonly<Record<string, Engine>> = Object.freeze({
  green_coverage: greenCoverage,
  park_per_capita: parkPerCapita,
  old_estate_share: sqlCountEngine('old_estate_share', ['estate', 'admin_unit'], OLD_ESTATE_PARAMS),
  old_estate_count: sqlCountEngine('old_estate_count', ['estate', 'admin_unit'], OLD_ESTATE_PARAMS),
  estate_no_property_management: sqlCountEngine('estate_no_property_management', ['estate', 'admin_unit']),
  waterlogging_untreated: sqlCountEngine('waterlogging_untreated', ['waterlogging_point', 'admin_unit']),
  waterlogging_density: sqlCountEngine('waterlogging_density', ['waterlogging_point', 'admin_unit']),
  heritage_count: sqlCountEngine('heritage_count', ['heritage_site', 'admin_unit']),
  tall_new_residential: sqlCountEngine('tall_new_residential', ['building', 'admin_unit']),
});
