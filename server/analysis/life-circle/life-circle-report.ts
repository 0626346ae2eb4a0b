/**
 * The life-circle report from an AccessTable: per estate the checklist (met / not met / none within
 * X m) for the chosen facility types, the complete-community score (完整居住社区: required items
 * present / required, missing ones named), and per type the share of estates and of residents
 * within standard, city-wide and by district / subdistrict (街道).
 */
import { EPS_M } from '../../graph/access.ts';
import type { FacilityTypeRow } from '../../repositories/life-circle-repository.ts';
import type { AccessTable, NoneReason } from './access-table.ts';

/** Bad analysis parameters; the error handler answers 400 with the message (statusCode). */
export class LifeCircleParamError extends Error {
  readonly code = 'LIFE_CIRCLE_PARAM';
  readonly statusCode = 400;
}

export interface LifeCircleParams {
  /** Facility type codes; all types with a standard distance when empty. */
  types: string[];
  /** Life-circle tiers to keep (5min, 10min, 15min, block); all when empty. */
  tiers: string[];
  speedMPerMin: number;
  maxDistanceM: number;
  /** app.dataset (city) analysed: its estates, checked against its effective catalog; null = all estates, default catalog. */
  dataset: string | null;
  /** The city's datasets (itself, its ledgers and sample data) whose estates count; null = every estate. */
  datasets: string[] | null;
  /**
   * An estate snapped to a network component with fewer vertices than this share of the city's
   * walking graph is flagged `isolated_network` (default ISOLATED_COMPONENT_SHARE).
   */
  isolatedComponentShare?: number;
}

/**
 * Default share of a city's walking-graph vertices below which the component an estate snapped to
 * counts as an isolated piece (a gated compound's internal paths, a fragment cut off by the
 * extract): "none within X m" there says more about the network data than about the city.
 */
export const ISOLATED_COMPONENT_SHARE = 0.05;

export interface ChecklistItem {
  type: string;
  standardM: number;
  status: 'met' | 'not_met' | 'none';
  distanceM: number | null;
  minutes: number | null;
  facilityId: number | null;
  reason?: NoneReason;
  /** e.g. "none within 2000 m" */
  note?: string;
}

/** The walking-network piece an estate snapped to. */
export interface EstateNetwork {
  /** Vertices of the weakly connected component (null: not on the network). */
  componentVertices: number | null;
  /** The component is below the isolated share of the city's graph (its "none within" are isolated_network). */
  isolated: boolean;
}

export interface EstateResult {
  id: number;
  /** Own name, else derived from the nearest street (nameDerived). */
  name: string | null;
  nameEn: string | null;
  nameDerived: boolean;
  residents: number | null;
  isOld: boolean;
  district: { id: number; name: string } | null;
  subdistrict: { id: number; name: string } | null;
  snapDistanceM: number | null;
  network: EstateNetwork;
  checklist: ChecklistItem[];
  completeCommunity: { required: number; present: number; score: number; missing: string[] };
}

export interface TypeShare {
  type: string;
  estates: number;
  met: number;
  share: number | null;
  /** Estates with a known resident count, their residents, and residents in estates within standard. */
  estatesWithResidents: number;
  residents: number;
  residentsMet: number;
  residentShare: number | null;
  /** Estates with none within the cut-off on the city's network, and those on an isolated piece (counted apart). */
  noneWithin: number;
  isolatedNetwork: number;
}

export interface AreaSummary {
  level: 'city' | 'district' | 'subdistrict';
  id: number | null;
  /** null for the whole city and for estates outside every unit of the level (the client names both). */
  name: string | null;
  estates: number;
  byType: TypeShare[];
  completeCommunity: { meanScore: number | null; allPresent: number };
  /** "What is missing here": checked types ordered by how many estates miss them (most first). */
  mostMissing: { type: string; estatesMissing: number; share: number }[];
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Chooses the catalog rows to check; throws LifeCircleParamError on unknown codes or tiers. */
export function selectTypes(catalog: FacilityTypeRow[], params: Pick<LifeCircleParams, 'types' | 'tiers'>): FacilityTypeRow[] {
  const known = new Map(catalog.map((c) => [c.code, c]));
  const unknown = params.types.filter((t) => !known.has(t));
  if (unknown.length) throw new LifeCircleParamError(`Unknown facility type(s): ${unknown.join(', ')}`);
  const badTier = params.tiers.filter((t) => !['5min', '10min', '15min', 'block'].includes(t));
  if (badTier.length) throw new LifeCircleParamError(`Unknown tier(s): ${badTier.join(', ')} (use 5min, 10min, 15min, block)`);
  const noStd = params.types.filter((t) => known.get(t)!.standardDistanceM == null);
  if (noStd.length) throw new LifeCircleParamError(`Facility type(s) without a standard distance: ${noStd.join(', ')}`);
  return catalog.filter(
    (c) =>
      c.standardDistanceM != null &&
      (params.types.length === 0 || params.types.includes(c.code)) &&
      (params.tiers.length === 0 || (c.tier !== null && params.tiers.includes(c.tier))),
  );
}

function item(table: AccessTable, t: FacilityTypeRow, i: number, params: LifeCircleParams, network: EstateNetwork): ChecklistItem {
  const col = table.forType(t.code);
  const std = t.standardDistanceM!;
  const d = col.distanceM[i];
  if (Number.isNaN(d)) {
    const reason = col.reason[i] === 'none_within' && network.isolated ? 'isolated_network' : col.reason[i]!;
    const note =
      reason === 'off_network' ? 'estate is not within reach of the walking network'
        : reason === 'no_facility' ? `no ${t.code} on the walking network`
        : reason === 'isolated_network' ? `none within ${params.maxDistanceM} m on an isolated piece of the walking network (${network.componentVertices} vertices)`
        : `none within ${params.maxDistanceM} m`;
    return { type: t.code, standardM: std, status: 'none', distanceM: null, minutes: null, facilityId: null, reason, note };
  }
  return {
    type: t.code,
    standardM: std,
    status: d <= std + EPS_M ? 'met' : 'not_met',
    distanceM: round1(d),
    minutes: round1(d / params.speedMPerMin),
    facilityId: col.facilityId[i],
  };
}

/** Builds the per-estate checklists and summaries. */
export function lifeCircleReport(table: AccessTable, catalog: FacilityTypeRow[], params: LifeCircleParams) {
  const types = selectTypes(catalog, params);
  const required = catalog.filter((c) => c.completeCommunity && c.standardDistanceM != null);
  const inScope = (e: AccessTable['estates'][number]) => params.datasets === null || params.datasets.includes(e.datasetId ?? '');
  const cityVertices = table.graph.networkVertices(params.datasets);
  const isolatedShare = params.isolatedComponentShare ?? ISOLATED_COMPONENT_SHARE;
  const minComponentVertices = isolatedShare * cityVertices;
  const estates: EstateResult[] = table.estates.flatMap((e, i) => {
    if (!inScope(e)) return [];
    const componentVertices = table.estateSnaps[i] ? table.estateComponentVertices[i] : null;
    const network: EstateNetwork = { componentVertices, isolated: componentVertices !== null && componentVertices < minComponentVertices };
    const ccItems = required.map((t) => item(table, t, i, params, network));
    const missing = ccItems.filter((c) => c.status !== 'met').map((c) => c.type);
    const snap = table.estateSnaps[i];
    return [{
      id: e.id,
      name: e.name,
      nameEn: e.nameEn ?? e.name,
      nameDerived: e.nameDerived ?? false,
      residents: e.residents,
      isOld: e.isOld,
      district: e.districtId != null ? { id: e.districtId, name: e.districtName! } : null,
      subdistrict: e.subdistrictId != null ? { id: e.subdistrictId, name: e.subdistrictName! } : null,
      snapDistanceM: snap ? round1(snap.distanceM) : null,
      network,
      checklist: types.map((t) => item(table, t, i, params, network)),
      completeCommunity: {
        required: required.length,
        present: required.length - missing.length,
        score: required.length ? Math.round(((required.length - missing.length) / required.length) * 1000) / 1000 : 1,
        missing,
      },
    }];
  });
  const typeCodes = types.map((t) => t.code);
  const areas: AreaSummary[] = [summarise('city', null, null, estates, typeCodes)];
  for (const level of ['district', 'subdistrict'] as const) {
    const groups = new Map<number | null, EstateResult[]>();
    for (const e of estates) {
      const key = e[level]?.id ?? null;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const [id, list] of groups) {
      areas.push(summarise(level, id, id === null ? null : list[0][level]!.name, list, typeCodes));
    }
  }
  return {
    catalog: types,
    completeCommunityTypes: required.map((r) => r.code),
    network: {
      cityVertices,
      isolatedComponentShare: isolatedShare,
      isolatedEstates: estates.filter((e) => e.network.isolated).length,
    },
    estates,
    summary: areas,
  };
}

function summarise(level: AreaSummary['level'], id: number | null, name: string | null, estates: EstateResult[], types: string[]): AreaSummary {
  const byType = types.map((type, k) => {
    let met = 0, withRes = 0, residents = 0, residentsMet = 0, noneWithin = 0, isolatedNetwork = 0;
    for (const e of estates) {
      const ok = e.checklist[k].status === 'met';
      if (ok) met++;
      if (e.checklist[k].reason === 'none_within') noneWithin++;
      if (e.checklist[k].reason === 'isolated_network') isolatedNetwork++;
      if (e.residents != null) {
        withRes++;
        residents += e.residents;
        if (ok) residentsMet += e.residents;
      }
    }
    return {
      type,
      estates: estates.length,
      met,
      share: estates.length ? Math.round((met / estates.length) * 1000) / 1000 : null,
      estatesWithResidents: withRes,
      residents,
      residentsMet,
      residentShare: residents > 0 ? Math.round((residentsMet / residents) * 1000) / 1000 : null,
      noneWithin,
      isolatedNetwork,
    };
  });
  const scores = estates.map((e) => e.completeCommunity.score);
  const mostMissing = byType
    .map((t) => ({ type: t.type, estatesMissing: t.estates - t.met, share: t.estates ? Math.round(((t.estates - t.met) / t.estates) * 1000) / 1000 : 0 }))
    .filter((t) => t.estatesMissing > 0)
    .sort((a, b) => b.estatesMissing - a.estatesMissing || a.type.localeCompare(b.type));
  return {
    level,
    id,
    name,
    estates: estates.length,
    byType,
    completeCommunity: {
      meanScore: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 1000) / 1000 : null,
      allPresent: estates.filter((e) => e.completeCommunity.missing.length === 0).length,
    },
    mostMissing,
  };
}

/** One CSV row per estate: ids, areas, per type distance/minutes/status, complete-community score. */
export function estatesCsv(report: ReturnType<typeof lifeCircleReport>): string {
  const q = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const types = report.catalog.map((c) => c.code);
  const head = ['estate_id', 'name', 'district', 'subdistrict', 'residents', 'is_old',
    ...types.flatMap((t) => [`${t}_distance_m`, `${t}_minutes`, `${t}_status`]),
    'complete_community_present', 'complete_community_required', 'complete_community_missing', 'network_component_vertices', 'isolated_network'];
  const lines = [head.join(',')];
  for (const e of report.estates) {
    lines.push([
      e.id, e.name, e.district?.name, e.subdistrict?.name, e.residents, e.isOld,
      ...e.checklist.flatMap((c) => [c.distanceM, c.minutes, c.status === 'none' ? c.note : c.status]),
      e.completeCommunity.present, e.completeCommunity.required, e.completeCommunity.missing.join(' '),
      e.network.componentVertices, e.network.isolated,
    ].map(q).join(','));
  }
  return '\ufeff' + lines.join('\r\n') + '\r\n'; // BOM so Excel opens the Chinese names as UTF-8
}
