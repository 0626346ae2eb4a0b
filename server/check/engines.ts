/**
 * The computing engines of the health check, whitelisted by name (app.indicator_def.engine). Each
 * reads one city and returns one value per check unit it applies to, with the effective rule
 * parameters (and their origin) and the layers whose import runs fed it. Engines reuse what exists:
 * park coverage runs the green-coverage engine (analysis.green_coverage_run through its repository),
 * life circles the life-circle service (shares per unit by analysis.check_estate_share), the rest
 * are the SQL functions analysis.check_count_engine and analysis.check_park_per_capita.
 * No Fastify here: server/routes/check.ts wires it.
 */
import { sql, type Kysely } from 'kysely';
import type { EffectiveParams } from '../contract/common.ts';
import { GREEN_COVERAGE_PARAMS, resolveParams, type ParamSpec } from '../contract/parameters.ts';
import type { LifeCircleService } from '../analysis/life-circle/life-circle-service.ts';
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
  /** Parameters of this value alone (e.g. the weighting a unit's share used), over the engine's effective ones. */
  params?: EffectiveParams;
}

export interface EngineInput {
  db: Kysely<unknown>;
  dataset: string;
  year: number;
  /** The indicator's catalogue parameters (app.indicator_def.params). */
  params: Record<string, unknown>;
  /** The city's settings and the installation's (app.dataset_setting, app.setting). */
  settings: { city: Record<string, unknown>; installation: Record<string, unknown> };
  /** Services that hold in-memory state (the walking graph): absent outside the server, and engines needing them are skipped. */
  services?: CheckServices;
  /**
   * Work shared by the engine runs of one cycle (e.g. one life-circle report for every life-circle
   * indicator), keyed by the engine; absent when an engine is called alone.
   */
  memo?: Map<string, Promise<unknown>>;
}

export interface CheckServices {
  lifeCircle?: LifeCircleService;
}

/** An engine whose service is not available here (e.g. life circles outside the server). */
export class EngineUnavailableError extends Error {
  readonly code = 'ENGINE_UNAVAILABLE';
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
export const INPUT_LAYERS = ['admin_unit', 'estate', 'building', 'green_space', 'base_landuse', 'waterlogging_point', 'heritage_site', 'facility', 'walk_edge'] as const;
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

/**
 * Life circles (生活圈, server/analysis/life-circle): from the service's per-estate report, the share
 * of estates meeting params.metric per city / 区 / 街道 / 社区 (analysis.check_estate_share: an estate
 * belongs to the units containing its point on surface). 'type_share': within the standard walking
 * distance of params.type; 'tier_complete': every facility type of life-circle tier params.tier
 * (5min, 10min, 15min) within its standard distance; 'complete_community': every required checklist
 * item present (and per estate the number of items missing). A unit's share is weighted by residents when every estate in
 * it has a resident count, else by estate count; each value names its weighting in its parameters.
 */
const lifeCircle: Engine = {
  layers: ['estate', 'facility', 'walk_edge', 'admin_unit'],
  async run({ db, dataset, params, services, memo }) {
    if (!services?.lifeCircle) throw new EngineUnavailableError('life circles need the walking-graph service of the server');
    const metric = params.metric;
    const type = typeof params.type === 'string' ? params.type : null;
    const tier = typeof params.tier === 'string' ? params.tier : null;
    if (metric !== 'type_share' && metric !== 'tier_complete' && metric !== 'complete_community') throw new EngineUnavailableError(`life_circle: unknown metric ${String(metric)}`);
    if (metric === 'type_share' && !type) throw new EngineUnavailableError('life_circle: type_share needs a facility type');
    if (metric === 'tier_complete' && !tier) throw new EngineUnavailableError('life_circle: tier_complete needs a tier');
    // One report over every facility type with a standard distance serves all life-circle indicators
    // of a cycle (memo); called alone, the engine reads what this indicator needs.
    const service = services.lifeCircle;
    const read = async () => {
      const scoped = await service.scoped(
        memo ? { dataset } : metric === 'tier_complete' ? { dataset, tiers: [tier!] } : { dataset, types: [type ?? 'kindergarten'] });
      return { scoped, report: await service.report(scoped) };
    };
    const key = `life_circle:${dataset}`;
    if (memo && !memo.has(key)) memo.set(key, read());
    const { scoped, report } = (await (memo?.get(key) ?? read())) as Awaited<ReturnType<typeof read>>;
    const k = type ? report.catalog.findIndex((c) => c.code === type) : -1;
    const inTier = report.catalog.map((c) => c.tier === tier);
    if (metric === 'type_share' && k < 0) throw new EngineUnavailableError(`life_circle: facility type ${type} has no standard walking distance in this city`);
    if (metric === 'tier_complete' && !inTier.some(Boolean)) throw new EngineUnavailableError(`life_circle: no facility type of tier ${tier} has a standard walking distance in this city`);
    const met = report.estates.map((e) =>
      metric === 'type_share' ? k >= 0 && e.checklist[k].status === 'met'
        : metric === 'tier_complete' ? e.checklist.every((c, i) => !inTier[i] || c.status === 'met')
        : e.completeCommunity.missing.length === 0);
    const { rows: shares } = await sql<SqlRow & { weighting: 'residents' | 'estates' }>`
      SELECT unit_kind, unit_id, unit_name, value, numerator, denominator, weighting
      FROM analysis.check_estate_share(${dataset}, ${report.estates.map((e) => e.id)}::bigint[], ${met}::boolean[],
                                       ${report.estates.map((e) => e.residents)}::float8[])`.execute(db);
    const rows: EngineRow[] = shares.map((r) => ({ ...toRows([r])[0], params: { weighting: { value: r.weighting, origin: 'default' } } }));
    if (metric === 'complete_community') {
      for (const e of report.estates) {
        rows.push({ unitKind: 'estate', unitId: e.id, unitName: e.name, value: e.completeCommunity.missing.length, numerator: e.completeCommunity.missing.length, denominator: e.completeCommunity.required });
      }
    }
    // the report's scope (types, tiers) is not the indicator's: its type or tier is among its own parameters
    const { types: _types, tiers: _tiers, ...walking } = scoped.effective;
    return { rows, effective: { ...walking, ...catalogueParams(params) } };
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
  life_circle: lifeCircle,
});
