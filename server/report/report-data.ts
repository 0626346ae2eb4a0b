/**
 * Everything the annual report (体检报告) prints about one check cycle, read once: the cycle, the indicators
 * in force with their city-level values, the health index, the problem ledger, the renewal project library
 * and the city's data sources with their licences. No HTTP here: the route passes the databases.
 */
import { sql, type Kysely } from 'kysely';
import { activeIndicators, type ActiveIndicator } from '../check/cycle-service.ts';
import { healthIndex } from '../check/health-index.ts';
import type { CheckValue, Cycle, HealthIndex, Problem } from '../contract/check.ts';
import type { Project } from '../contract/renewal.ts';
import { checkRepository } from '../repositories/check-repository.ts';
import { projectRepository } from '../repositories/project-repository.ts';

export interface ReportSource { id: string; name: string; licence: string | null; attribution: string | null; isSample: boolean }

export interface ReportData {
  cycle: Cycle;
  cityName: string;
  indicators: ActiveIndicator[];
  /** City-level values (全市) by indicator code. */
  cityValues: Map<string, CheckValue>;
  /** Values of every level, for the choropleth figure's choice of indicator. */
  values: CheckValue[];
  index: HealthIndex;
  problems: Problem[];
  projects: Project[];
  sources: ReportSource[];
}

/** Reads the report's data of a cycle; `undefined` when there is no such cycle. */
export async function loadReportData(db: Kysely<unknown>, cycleId: number): Promise<ReportData | undefined> {
  const repo = checkRepository(db);
  const cycle = await repo.cycle(cycleId);
  if (!cycle) return undefined;
  const [indicators, values, problems, projects, sources] = await Promise.all([
    activeIndicators(db, cycle.dataset, cycle.framework),
    repo.values(cycle.id),
    repo.problems(cycle.dataset),
    projectRepository(db).list(cycle.dataset),
    sql<{ id: string; name: string; licence: string | null; attribution: string | null; is_sample: boolean; city: boolean }>`
      SELECT id, name, licence, attribution, is_sample, city_id IS NULL AS city FROM app.dataset
      WHERE id = ${cycle.dataset} OR city_id = ${cycle.dataset} ORDER BY city_id IS NOT NULL, id`.execute(db),
  ]);
  const index = healthIndex(indicators, values, { cycleId: cycle.id, year: cycle.year, level: 'city', norm: 'target', weights: 'equal', aggregate: 'sum', framework: cycle.framework });
  const city = sources.rows.find((r) => r.city);
  return {
    cycle,
    cityName: city?.name ?? cycle.dataset,
    indicators,
    cityValues: new Map(values.filter((v) => v.unitKind === 'city').map((v) => [v.indicator, v])),
    values,
    index,
    // the ledger as it stood in the cycle's year: problems first seen up to that year
    problems: problems.filter((p) => p.firstYear <= cycle.year),
    projects,
    sources: sources.rows.map((r) => ({ id: r.id, name: r.name, licence: r.licence, attribution: r.attribution, isSample: r.is_sample })),
  };
}
