/**
 * The renewal project library (城市更新项目储备库 → 实施库): projects of a city with their sites,
 * problems addressed, content class, budget and funding, department, plan year and expected effect;
 * stage moves checked by server/renewal/project-states.ts and written with who / when / why in one
 * transaction (app.renewal_project_transition; both tables audited by trigger, the actor set for the
 * transaction as citycheck.actor).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CityScope, EffectiveParams } from '../contract/common.ts';
import type { ExpectedEffect, Project, ProjectCreate, ProjectPatch } from '../contract/renewal.ts';
import { HttpError, badRequest, notFound } from '../errors.ts';
import { assertTransition, LOOP_STEP, NEXT_STAGES, STAGE_ZH, type Stage } from '../renewal/project-states.ts';
import { IllegalTransitionError } from '../renewal/renewal-error.ts';
import { GeometryInputError, type PolygonInput } from '../validation/geojson.ts';

type Db = Kysely<unknown> | Transaction<unknown>;

/**
 * The one city a city-scoped account may change (server/plugins/auth.ts). Writes by id name no city,
 * so the auth hook cannot check them: the row's own city is checked against this instead.
 */
export interface CityWriteScope { username: string; city: string }

/** 403 unless `city` is the scope's city (no scope: an account of every city, or sign-in off). */
export function assertCityScope(scope: CityWriteScope | undefined, city: string | null): void {
  if (scope && scope.city !== city) {
    throw new HttpError(403, `${scope.username} may change only the city ${scope.city}, not ${city ?? 'a project of no city'}.`, 'CITY_SCOPE');
  }
}

/** A problem of the ledger (app.check_problem) a project addresses, as the latest cycle left it. */
export interface RecheckProblem {
  id: number; indicator: string; unitKind: string; unitId: number | null; unitName: string | null; status: string;
  severity: string; value: number | null; threshold: number | null; lastYear: number; closedYear: number | null;
}

interface ProjectRow {
  id: number; dataset: string | null; name: string; description: string | null; stage: Stage;
  estateIds: number[]; contentClass: string[]; budgetWan: number | null; fundingSource: string | null;
  department: string | null; planYear: number | null; checkYear: number; problemRefs: (number | string)[];
  expectedEffect: ExpectedEffect; geometry: Project['geometry']; createdAt: Date; updatedAt: Date;
  transitions: { fromStage: string | null; toStage: string; actor: string; reason: string; at: string }[];
}

const polygonExpr = (p: PolygonInput) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(p.multiPolygon)}::text), 4326)`;

/** Sets the audit actor for the current transaction (read by internal.audit_row). */
const asActor = (trx: Db, actor: string) => sql`SELECT set_config('citycheck.actor', ${actor}, true)`.execute(trx);

function toProject(r: ProjectRow): Project {
  return {
    ...r, stageZh: STAGE_ZH[r.stage], nextStages: [...NEXT_STAGES[r.stage]], loopStep: LOOP_STEP[r.stage],
    createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

/** See projectRepository().coverageRun. */
export interface CoverageRunInfo {
  runId: number; dataset: string | null; mode: string; target: string; effective: EffectiveParams | null; estateCoveredMinShare: number;
}

export function projectRepository(db: Kysely<unknown>) {
  async function select(trx: Db, where: ReturnType<typeof sql>): Promise<Project[]> {
    const { rows } = await sql<ProjectRow>`
      SELECT p.id, p.dataset_id AS dataset, p.name, p.description, p.stage, p.estate_ids AS "estateIds",
             p.content_class AS "contentClass", p.investment_wan AS "budgetWan", p.funding_source AS "fundingSource",
             p.responsible AS department, p.plan_year AS "planYear", p.check_year AS "checkYear",
             p.problem_refs AS "problemRefs", p.expected_effect AS "expectedEffect",
             ST_AsGeoJSON(p.geom, 7)::jsonb AS geometry, p.created_at AS "createdAt", p.updated_at AS "updatedAt",
             coalesce((SELECT jsonb_agg(jsonb_build_object('fromStage', t.from_stage, 'toStage', t.to_stage, 'actor', t.actor,
                                                           'reason', t.reason, 'at', t.at) ORDER BY t.at, t.id)
                       FROM app.renewal_project_transition t WHERE t.project_id = p.id), '[]') AS transitions
      FROM app.renewal_project p WHERE ${where} ORDER BY p.id`.execute(trx);
    return rows.map(toProject);
  }

  async function assertValid(trx: Db, p: PolygonInput) {
    const { rows } = await sql<{ reason: string }>`SELECT ST_IsValidReason(${polygonExpr(p)}) AS reason WHERE NOT ST_IsValid(${polygonExpr(p)})`.execute(trx);
    if (rows.length) throw new GeometryInputError([{ path: 'geometry', message: `not a valid polygon: ${rows[0].reason}` }]);
  }

  async function assertEstates(trx: Db, datasets: string[], estateIds: number[]) {
    if (!estateIds.length) return;
    const { rows } = await sql<{ id: number }>`
      SELECT u.id FROM unnest(${estateIds}::bigint[]) u(id)
      WHERE NOT EXISTS (SELECT 1 FROM app.estate e WHERE e.id = u.id AND e.dataset_id = ANY (${datasets}::text[]))`.execute(trx);
    if (rows.length) throw badRequest(`estateIds not in this city: ${rows.map((r) => r.id).join(', ')}`);
  }

  /** Integer problem refs must be problems (app.check_problem) of the project's city; text refs are free references. */
  async function assertProblems(trx: Db, datasets: string[], refs: (number | string)[]) {
    const ids = refs.filter((r): r is number => typeof r === 'number');
    if (!ids.length) return;
    const { rows } = await sql<{ id: number }>`
      SELECT u.id FROM unnest(${ids}::bigint[]) u(id)
      WHERE NOT EXISTS (SELECT 1 FROM app.check_problem c WHERE c.id = u.id AND c.dataset_id = ANY (${datasets}::text[]))`.execute(trx);
    if (rows.length) throw badRequest(`problemRefs are not problems of this city's ledger: ${rows.map((r) => r.id).join(', ')}`);
  }

  async function problemsOf(trx: Db, id: number): Promise<RecheckProblem[]> {
    const { rows } = await sql<RecheckProblem>`
      SELECT c.id, c.indicator, c.unit_kind AS "unitKind", c.unit_id AS "unitId", c.unit_name AS "unitName", c.status,
             c.severity, c.value, c.threshold, c.last_year AS "lastYear", c.closed_year AS "closedYear"
      FROM app.renewal_project p
      JOIN app.check_problem c ON c.id IN (SELECT (x #>> '{}')::bigint FROM jsonb_array_elements(p.problem_refs) x WHERE jsonb_typeof(x) = 'number')
      WHERE p.id = ${id}::bigint ORDER BY c.id`.execute(trx);
    return rows;
  }

  return {
    async get(id: number): Promise<Project | undefined> {
      return (await select(db, sql`p.id = ${id}::bigint`))[0];
    },

    async list(dataset: string, stage?: string): Promise<Project[]> {
      return select(db, stage ? sql`p.dataset_id = ${dataset} AND p.stage = ${stage}` : sql`p.dataset_id = ${dataset}`);
    },

    /** A new project in 储备 (reserve), with its first transition (created). */
    async create(city: CityScope, body: ProjectCreate & { actor: string }, geometry: PolygonInput | null, scope?: CityWriteScope): Promise<Project> {
      // The request may name no city (the only city loaded): the resolved one is checked.
      assertCityScope(scope, city.dataset);
      return db.transaction().execute(async (trx) => {
        await asActor(trx, body.actor);
        const estateIds = body.estateIds ?? [];
        await assertEstates(trx, city.datasets, estateIds);
        await assertProblems(trx, city.datasets, body.problemRefs ?? []);
        if (geometry) await assertValid(trx, geometry);
        const { rows: [{ id }] } = await sql<{ id: number }>`
          INSERT INTO app.renewal_project (name, description, stage, dataset_id, estate_id, estate_ids, content_class, investment_wan,
            funding_source, responsible, plan_year, start_year, problem_refs, check_year, geom)
          VALUES (${body.name}, ${body.description ?? null}, 'reserve', ${city.dataset}, ${estateIds[0] ?? null}::bigint, ${estateIds}::bigint[],
            ${body.contentClass ?? []}::text[], ${body.budgetWan ?? null}::float8, ${body.fundingSource ?? null}, ${body.department ?? null},
            ${body.planYear ?? null}::int, ${body.planYear ?? null}::int, ${JSON.stringify(body.problemRefs ?? [])}::jsonb,
            ${city.checkYear ?? new Date().getUTCFullYear()}::int, ${geometry ? polygonExpr(geometry) : null})
          RETURNING id`.execute(trx);
        await sql`INSERT INTO app.renewal_project_transition (project_id, from_stage, to_stage, actor, reason)
                  VALUES (${id}::bigint, NULL, 'reserve', ${body.actor}, ${body.reason ?? '入库 created in the reserve list'})`.execute(trx);
        return (await select(trx, sql`p.id = ${id}::bigint`))[0];
      });
    },

    /** Edits fields and geometry (a project's site drawn or modified on the map); audited. */
    async patch(id: number, body: ProjectPatch & { actor: string }, geometry: PolygonInput | null | undefined, scope?: CityWriteScope): Promise<Project> {
      return db.transaction().execute(async (trx) => {
        await asActor(trx, body.actor);
        const { rows } = await sql<{ city: string | null; datasets: string[] }>`
          SELECT p.dataset_id AS city, coalesce((SELECT array_agg(d.id) FROM app.dataset d WHERE d.id = p.dataset_id OR d.city_id = p.dataset_id), '{}') AS datasets
          FROM app.renewal_project p WHERE p.id = ${id}::bigint FOR UPDATE`.execute(trx);
        if (!rows.length) throw notFound(`No renewal project ${id}`);
        assertCityScope(scope, rows[0].city);
        if (body.estateIds) await assertEstates(trx, rows[0].datasets, body.estateIds);
        if (body.problemRefs) await assertProblems(trx, rows[0].datasets, body.problemRefs);
        if (geometry) await assertValid(trx, geometry);
        const has = (k: keyof ProjectPatch) => Object.hasOwn(body, k);
        await sql`
          UPDATE app.renewal_project SET
            name = CASE WHEN ${has('name')} THEN ${body.name ?? null}::text ELSE name END,
            description = CASE WHEN ${has('description')} THEN ${body.description ?? null}::text ELSE description END,
            estate_ids = CASE WHEN ${has('estateIds')} THEN ${body.estateIds ?? []}::bigint[] ELSE estate_ids END,
            estate_id = CASE WHEN ${has('estateIds')} THEN (${body.estateIds ?? []}::bigint[])[1] ELSE estate_id END,
            content_class = CASE WHEN ${has('contentClass')} THEN ${body.contentClass ?? []}::text[] ELSE content_class END,
            investment_wan = CASE WHEN ${has('budgetWan')} THEN ${body.budgetWan ?? null}::float8 ELSE investment_wan END,
            funding_source = CASE WHEN ${has('fundingSource')} THEN ${body.fundingSource ?? null}::text ELSE funding_source END,
            responsible = CASE WHEN ${has('department')} THEN ${body.department ?? null}::text ELSE responsible END,
            plan_year = CASE WHEN ${has('planYear')} THEN ${body.planYear ?? null}::int ELSE plan_year END,
            problem_refs = CASE WHEN ${has('problemRefs')} THEN ${JSON.stringify(body.problemRefs ?? [])}::jsonb ELSE problem_refs END,
            geom = CASE WHEN ${geometry !== undefined} THEN ${geometry ? polygonExpr(geometry) : null}::geometry ELSE geom END,
            updated_at = now()
          WHERE id = ${id}::bigint`.execute(trx);
        return (await select(trx, sql`p.id = ${id}::bigint`))[0];
      });
    },

    /** Moves a project to `to` (409 unless allowed), recording who, when and why. */
    async transition(id: number, to: string, actor: string, reason: string, scope?: CityWriteScope): Promise<Project> {
      return db.transaction().execute(async (trx) => {
        await asActor(trx, actor);
        const { rows } = await sql<{ stage: Stage; city: string | null }>`
          SELECT stage, dataset_id AS city FROM app.renewal_project WHERE id = ${id}::bigint FOR UPDATE`.execute(trx);
        if (!rows.length) throw notFound(`No renewal project ${id}`);
        assertCityScope(scope, rows[0].city);
        const from = rows[0].stage;
        assertTransition(id, from, to);
        if (to === 'closed') {
          // 销号 only when the re-check (the next check cycle) closed every problem the project addressed.
          const open = (await problemsOf(trx, id)).filter((p) => !['closed', 'dismissed', 'merged'].includes(p.status));
          if (open.length) {
            throw new IllegalTransitionError(`Project ${id} cannot be closed (销号): the re-check left ${open.length} problem(s) unresolved `
              + `(${open.map((p) => `#${p.id} ${p.indicator} ${p.unitName ?? ''} ${p.status}`.replace(/\s+/g, ' ')).join('; ')}); send it back to 实施 implementing`, from, to);
          }
        }
        if (to === 'implementing') {
          // The problems it addresses are now being treated (整治中); the next cycle closes or keeps them.
          await sql`UPDATE app.check_problem SET status = 'in_treatment', updated_at = now()
                    WHERE status IN ('open', 'reopened')
                      AND id IN (SELECT (x #>> '{}')::bigint FROM app.renewal_project p, jsonb_array_elements(p.problem_refs) x
                                 WHERE p.id = ${id}::bigint AND jsonb_typeof(x) = 'number')`.execute(trx);
        }
        await sql`UPDATE app.renewal_project SET stage = ${to}, updated_at = now() WHERE id = ${id}::bigint`.execute(trx);
        await sql`INSERT INTO app.renewal_project_transition (project_id, from_stage, to_stage, actor, reason)
                  VALUES (${id}::bigint, ${from}, ${to}, ${actor}, ${reason})`.execute(trx);
        return (await select(trx, sql`p.id = ${id}::bigint`))[0];
      });
    },

    /**
     * The re-check (复查) of a project: the problems it addresses as the latest check cycle left them;
     * resolved when every one is closed (or dismissed / merged), unresolved otherwise.
     */
    async recheck(id: number): Promise<{ projectId: number; stage: string; verdict: 'resolved' | 'unresolved' | 'no_problems'; problems: RecheckProblem[] }> {
      const p = await this.get(id);
      if (!p) throw notFound(`No renewal project ${id}`);
      const problems = await problemsOf(db, id);
      const open = problems.filter((x) => !['closed', 'dismissed', 'merged'].includes(x.status));
      return { projectId: id, stage: p.stage, verdict: problems.length === 0 ? 'no_problems' : open.length ? 'unresolved' : 'resolved', problems };
    },

    /**
     * A stored green-coverage run as a project's park prediction needs it: its city (to check it is the
     * project's), mode, target, effective parameters and the covered share of an estate; `runId`
     * undefined: the city's latest run. Undefined: no such run.
     */
    async coverageRun(q: { runId: number } | { latestOf: string }): Promise<CoverageRunInfo | undefined> {
      const where = 'runId' in q ? sql`id = ${q.runId}::bigint` : sql`dataset_id = ${q.latestOf}`;
      const { rows } = await sql<CoverageRunInfo>`
        SELECT id AS "runId", dataset_id AS dataset, mode, target, effective,
               (rule_version->>'estate_covered_min_share')::float8 AS "estateCoveredMinShare"
        FROM app.coverage_run WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT 1`.execute(db);
      return rows[0];
    },

    /** A point surely on the project's site (ST_PointOnSurface, lon/lat WGS-84), or null without a site. */
    async siteAnchor(id: number): Promise<{ lon: number; lat: number } | null> {
      const { rows } = await sql<{ lon: number; lat: number }>`
        SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat FROM app.renewal_project p, ST_PointOnSurface(p.geom) pt
        WHERE p.id = ${id}::bigint AND p.geom IS NOT NULL`.execute(db);
      return rows[0] ?? null;
    },

    /** Stores a predicted indicator change under `key` of expected_effect (audited). */
    async storeEffect(id: number, actor: string, key: string, effect: unknown, scope?: CityWriteScope): Promise<Project> {
      return db.transaction().execute(async (trx) => {
        await asActor(trx, actor);
        const { rows } = await sql<{ city: string | null }>`SELECT dataset_id AS city FROM app.renewal_project WHERE id = ${id}::bigint FOR UPDATE`.execute(trx);
        if (!rows.length) throw notFound(`No renewal project ${id}`);
        assertCityScope(scope, rows[0].city);
        await sql`UPDATE app.renewal_project SET expected_effect = expected_effect || jsonb_build_object(${key}::text, ${JSON.stringify(effect)}::jsonb),
                    updated_at = now() WHERE id = ${id}::bigint`.execute(trx);
        return (await select(trx, sql`p.id = ${id}::bigint`))[0];
      });
    },
  };
}
