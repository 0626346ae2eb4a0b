/**
 * The diagnosis as a service: resolves a request's city and parameters (request → city setting →
 * default, each reported with its origin), chooses the indicators of the disease score and runs the
 * statistics under a WorkBudget (yields to the event loop; past the deadline → 503 + Retry-After).
 * No Fastify here: the route hands in its repository and city repository.
 */
import type { DiagnosisMethod, DiagnosisRecompute, DiagnosisRun, DiagnosisRunBody } from '../contract/diagnosis.ts';
import { DIAGNOSIS_INDICATORS, DIAGNOSIS_PARAMS } from '../contract/diagnosis.ts';
import type { EffectiveParams } from '../contract/common.ts';
import { resolveParams } from '../contract/parameters.ts';
import { badRequest, notFound } from '../errors.ts';
import { WorkBudget } from '../graph/work-budget.ts';
import type { CityRepository } from '../repositories/city-repository.ts';
import type { EngineMethod, diagnosisRepository } from '../repositories/diagnosis-repository.ts';
import { resolveCriteria, type EngineCriterion, type StepRunner } from './diagnosis-engine.ts';

type Repo = ReturnType<typeof diagnosisRepository>;

const METHOD_PARAMS = {
  norm: DIAGNOSIS_PARAMS.norm, weightMethod: DIAGNOSIS_PARAMS.weightMethod, permutations: DIAGNOSIS_PARAMS.permutations,
  seed: DIAGNOSIS_PARAMS.seed, alpha: DIAGNOSIS_PARAMS.alpha,
};

/** The criteria as an effective parameter: the codes, and where the list came from. */
function criteriaParam(requested: DiagnosisMethod['criteria'], criteria: EngineCriterion[]): EffectiveParams {
  return { criteria: { value: criteria.map((c) => c.code), origin: requested ? 'request' : 'default' } };
}

export class DiagnosisService {
  constructor(
    private readonly repo: Repo,
    private readonly cities: CityRepository,
    private readonly opts: { deadlineMs?: number } = {},
  ) {}

  /**
   * The deadline covers the statistics, from their first step: the SQL that builds the units before
   * them runs under its own statement timeout. (Started at the request, the budget was spent by the
   * unit build alone on Liechtenstein's default 100 m grid, and every run there answered 503.)
   */
  private runner(): StepRunner {
    let budget: WorkBudget | undefined;
    return (steps) => (budget ??= new WorkBudget({ deadlineMs: this.opts.deadlineMs, what: 'The hotspot statistics' })).run(steps);
  }

  private method(values: { norm: string; weightMethod: string; permutations: number; seed: number; alpha: number }, criteria: EngineCriterion[]): EngineMethod {
    return {
      criteria,
      norm: values.norm as EngineMethod['norm'],
      weightMethod: values.weightMethod as EngineMethod['weightMethod'],
      permutations: Math.round(values.permutations),
      seed: Math.round(values.seed),
      alpha: values.alpha,
    };
  }

  /** The request's check cycle, checked: it exists (else 404), is of the city and has been computed (else 400). */
  private async cycleOf(cycleId: number, dataset: string) {
    const cycle = await this.repo.cycle(cycleId);
    if (!cycle) throw notFound(`No check cycle ${cycleId}`);
    if (cycle.dataset !== dataset) throw badRequest(`Check cycle ${cycleId} is of city "${cycle.dataset}", not of "${dataset}"`);
    if (!cycle.computedAt) throw badRequest(`Check cycle ${cycleId} (${cycle.year}) has not been computed yet: compute it first`);
    return cycle;
  }

  /** Computes and stores a diagnosis run of the request's city (on a check cycle's values when `cycleId` names one). */
  async run(body: DiagnosisRunBody): Promise<DiagnosisRun> {
    const { dataset, criteria: requested, cycleId, ...rest } = body;
    const scoped = await this.cities.scoped(dataset, DIAGNOSIS_PARAMS, rest);
    const cycle = cycleId === undefined ? undefined : await this.cycleOf(cycleId, scoped.city.dataset);
    const city = cycle ? { ...scoped.city, checkYear: cycle.year } : scoped.city;
    const effective: EffectiveParams = cycle
      ? { ...scoped.effective, cycleId: { value: cycle.cycleId, origin: 'request' }, checkYear: { value: cycle.year, origin: 'request' } }
      : scoped.effective;
    const { values } = scoped;
    const criteria = resolveCriteria(DIAGNOSIS_INDICATORS, requested);
    return this.repo.run({
      city,
      cycle: cycle && { id: cycle.cycleId, year: cycle.year },
      unitKind: values.unitKind as 'hexagon' | 'square' | 'community' | 'subdistrict',
      cellSizeM: values.cellSizeM,
      minCellShare: values.minCellShare,
      closingM: values.closingM,
      weightsScheme: values.weightsScheme as 'queen' | 'rook' | 'knn' | 'distance',
      knnK: Math.round(values.knnK),
      bandM: values.bandM,
      waterloggingDistanceM: values.waterloggingDistanceM,
      method: this.method(values, criteria),
      effective: { ...effective, ...criteriaParam(requested, criteria) },
    }, this.runner());
  }

  /** Scores and classes of a stored run under another method; nothing is stored. */
  async recompute(runId: number, body: DiagnosisMethod): Promise<DiagnosisRecompute> {
    const head = await this.repo.head(runId);
    if (!head) throw notFound(`No diagnosis run ${runId}`);
    const { criteria: requested, ...rest } = body;
    const settings = await this.cities.settings(head.dataset);
    const { values, effective } = resolveParams(METHOD_PARAMS, rest, settings.city, settings.installation);
    const criteria = resolveCriteria(DIAGNOSIS_INDICATORS, requested);
    const result = await this.repo.recompute(runId, this.method(values, criteria), this.runner());
    return {
      runId,
      effective: { ...head.effective, ...effective, ...criteriaParam(requested, criteria) },
      criteria,
      summary: { ...result.summary, builtUpM2: head.builtUpM2, builtUpSource: head.builtUpSource },
      units: result.units.map((u, unitNo) => ({
        unitNo, score: u.score, disease: u.disease, giZ: u.giZ, giP: u.giP, giPSim: u.giPSim, giBin: u.giBin, giFdr: u.giFdr,
        lisaI: u.lisaI, lisaZ: u.lisaZ, lisaP: u.lisaP, lisaPSim: u.lisaPSim, lisaQuadrant: u.lisaQuadrant, lisaFdr: u.lisaFdr,
      })),
    };
  }
}
