/**
 * The analysis figures of the annual report that the cycle saves no run for: life-circle gaps, hotspots
 * (diagnosis) and renewal candidates. Each is computed at report time by the project's own engines — the
 * life-circle service through its API route (the in-process `fetchResource`), the diagnosis service (a stored
 * run of the cycle's city, drawn from its units.geojson) and the renewal repository's ranking — with the
 * city's settings and the defaults; the effective parameters are printed under each figure.
 */
import type { Kysely } from 'kysely';
import { RENEWAL_PARAMS } from '../contract/renewal.ts';
import type { EffectiveParams } from '../contract/common.ts';
import { DiagnosisService } from '../diagnosis/diagnosis-service.ts';
import { cityRepository } from '../repositories/city-repository.ts';
import { diagnosisRepository } from '../repositories/diagnosis-repository.ts';
import { lifeCircleRepository } from '../repositories/life-circle-repository.ts';
import { renewalRepository } from '../repositories/renewal-repository.ts';
import { basemapStyle } from '../../tiles/basemap-style.ts';
import { REPORT_ORIGIN, type FetchResource, type FigureRequest } from './map-figures.ts';

type Style = FigureRequest['style'];

/** Colours of estates by the number of life-circle items they miss: none, then classes of the city's own counts (light → dark). */
export const GAP_COLOURS = ['#1a9850', '#fee08b', '#fdae61', '#f46d43', '#d73027', '#a50026'];

/** Classes of the missing-item counts: [0] = none missing, then up to 5 classes from the counts' quantiles as [from, to]. */
export function gapClasses(counts: number[]): { colour: string; from: number; to: number }[] {
  const positive = [...new Set(counts.filter((c) => c > 0))].sort((a, b) => a - b);
  const out = [{ colour: GAP_COLOURS[0], from: 0, to: 0 }];
  const n = Math.min(5, positive.length);
  for (let i = 0; i < n; i++) {
    const lo = positive[Math.floor((i * positive.length) / n)];
    const hi = positive[Math.floor(((i + 1) * positive.length) / n) - 1];
    out.push({ colour: GAP_COLOURS[i + 1 + (5 - n)], from: lo, to: hi });
  }
  return out;
}
/** Gi* bins −3…3 (cold spot 99 % … hot spot 99 %). */
export const HOTSPOT_COLOURS: Record<string, string> = { '-3': '#2166ac', '-2': '#67a9cf', '-1': '#d1e5f0', '0': '#eeeeee', '1': '#fddbc7', '2': '#ef8a62', '3': '#b2182b' };
export const CANDIDATE_COLOUR = '#7b3294';
export const RENEWAL_TOP_N = 10;

/** A figure's parameters as printed: name = value (origin); an empty list (every type, every tier) prints as `*`. */
export interface FigureParam { name: string; value: string; origin: string }
export interface AnalysisFigureMeta { params: FigureParam[]; count: number; total?: number; ms: number; classes?: { colour: string; from: number; to: number }[] }

export function paramsOf(effective: EffectiveParams | undefined, keep?: string[]): FigureParam[] {
  return Object.entries(effective ?? {})
    .filter(([k]) => !keep || keep.includes(k))
    .map(([name, p]) => ({ name, value: Array.isArray(p.value) ? (p.value.length ? p.value.join(',') : '*') : String(p.value), origin: String(p.origin) }));
}

/** Estates of the city by the number of life-circle checklist items not met (the life-circle service, default catalogue). */
export async function lifeCircleFigure(db: Kysely<unknown>, fetchResource: FetchResource, dataset: string): Promise<{ request: FigureRequest; meta: AnalysisFigureMeta } | undefined> {
  const t0 = performance.now();
  const res = await fetchResource(`/api/analysis/life-circle?dataset=${encodeURIComponent(dataset)}`);
  if (res.status !== 200) return undefined;
  const report = JSON.parse(res.body.toString('utf8')) as { estates: { id: number; checklist: { status: string }[] }[]; effective?: EffectiveParams };
  if (!report.estates.length) return undefined;
  const geoms = await lifeCircleRepository(db).estateGeometries(report.estates.map((e) => e.id));
  const features = report.estates.flatMap((e) => {
    const g = geoms.get(e.id);
    if (!g) return [];
    return [{ type: 'Feature', id: e.id, geometry: g, properties: { gaps: e.checklist.filter((c) => c.status !== 'met').length } }];
  });
  const style = basemapStyle(REPORT_ORIGIN) as Style;
  style.sources.estates = { type: 'geojson', data: { type: 'FeatureCollection', features } };
  const classes = gapClasses(features.map((f) => f.properties.gaps));
  const colour: unknown[] = ['step', ['get', 'gaps'], classes[0].colour];
  for (const c of classes.slice(1)) colour.push(c.from, c.colour);
  style.layers.push(
    { id: 'estates', type: 'fill', source: 'estates', paint: { 'fill-color': colour, 'fill-opacity': 0.8 } },
    { id: 'estates-line', type: 'line', source: 'estates', paint: { 'line-color': '#444', 'line-width': 0.8 } },
  );
  const withGaps = features.filter((f) => f.properties.gaps > 0).length;
  return { request: { id: 'lifeCircle', style }, meta: { params: paramsOf(report.effective), count: withGaps, total: features.length, ms: Math.round(performance.now() - t0), classes } };
}

/** A diagnosis run of the city on the report's check cycle (its settings, else the defaults), drawn by Gi* hot/cold-spot bin. */
export async function hotspotFigure(db: Kysely<unknown>, dataset: string, deadlineMs: number, cycleId?: number): Promise<{ request: FigureRequest; meta: AnalysisFigureMeta } | undefined> {
  const t0 = performance.now();
  const service = new DiagnosisService(diagnosisRepository(db), cityRepository(db), { deadlineMs });
  const run = await service.run({ dataset, cycleId });
  if (!run.units.length) return undefined;
  const style = basemapStyle(REPORT_ORIGIN) as Style;
  style.sources.units = { type: 'geojson', data: `${REPORT_ORIGIN}/api/analysis/diagnosis/${run.runId}/units.geojson` };
  const colour: unknown[] = ['match', ['to-string', ['coalesce', ['get', 'giBin'], 0]]];
  for (const [bin, c] of Object.entries(HOTSPOT_COLOURS)) colour.push(bin, c);
  colour.push('#eeeeee');
  style.layers.push(
    { id: 'units', type: 'fill', source: 'units', paint: { 'fill-color': colour, 'fill-opacity': 0.75 } },
    { id: 'units-line', type: 'line', source: 'units', paint: { 'line-color': '#777', 'line-width': 0.4 } },
  );
  const hot = run.units.filter((u) => (u.giBin ?? 0) > 0).length;
  const params = [{ name: 'runId', value: String(run.runId), origin: 'report' }, ...paramsOf(run.effective)];
  return { request: { id: 'hotspots', style }, meta: { params, count: hot, total: run.units.length, ms: Math.round(performance.now() - t0) } };
}

/** The top renewal candidates of the city (renewal ranking, weighted sum, default weights, city settings). */
export async function renewalFigure(db: Kysely<unknown>, dataset: string): Promise<{ request: FigureRequest; meta: AnalysisFigureMeta; ranked: { rank: number; name: string | null }[] } | undefined> {
  const t0 = performance.now();
  const { city, values, effective } = await cityRepository(db).scoped(dataset, RENEWAL_PARAMS, {});
  const result = await renewalRepository(db).candidates(city, values, effective, { method: 'weighted_sum', topN: RENEWAL_TOP_N, limit: RENEWAL_TOP_N });
  // Estates only (the default kinds), so every candidate has its estate.
  const top = result.candidates.slice(0, RENEWAL_TOP_N).flatMap((c) => (c.estateId === null ? [] : [{ ...c, estateId: c.estateId }]));
  if (!top.length) return undefined;
  const geoms = await lifeCircleRepository(db).estateGeometries(top.map((c) => c.estateId));
  const shapes = top.flatMap((c) => (geoms.get(c.estateId) ? [{ type: 'Feature', id: c.estateId, geometry: geoms.get(c.estateId), properties: { rank: c.rank } }] : []));
  const points = top.map((c) => ({ type: 'Feature', id: c.estateId, geometry: { type: 'Point', coordinates: [c.lon, c.lat] }, properties: { rank: c.rank } }));
  const style = basemapStyle(REPORT_ORIGIN) as Style;
  style.sources.sites = { type: 'geojson', data: { type: 'FeatureCollection', features: shapes } };
  style.sources.points = { type: 'geojson', data: { type: 'FeatureCollection', features: points } };
  style.layers.push(
    { id: 'sites', type: 'fill', source: 'sites', paint: { 'fill-color': CANDIDATE_COLOUR, 'fill-opacity': 0.45 } },
    { id: 'sites-line', type: 'line', source: 'sites', paint: { 'line-color': CANDIDATE_COLOUR, 'line-width': 2 } },
    { id: 'points', type: 'circle', source: 'points', paint: { 'circle-radius': ['interpolate', ['linear'], ['get', 'rank'], 1, 12, RENEWAL_TOP_N, 6], 'circle-color': CANDIDATE_COLOUR, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
  );
  const params = [{ name: 'method', value: 'weighted_sum', origin: 'default' }, { name: 'topN', value: String(RENEWAL_TOP_N), origin: 'report' }, ...paramsOf(result.effective ?? effective)];
  return {
    request: { id: 'renewal', style },
    meta: { params, count: top.length, total: result.counts?.candidates, ms: Math.round(performance.now() - t0) },
    ranked: top.map((c) => ({ rank: c.rank, name: c.name ?? null })),
  };
}
