/**
 * Typed calls to the renewal API (server/routes/renewal.ts, server/routes/projects.ts). Types come
 * from the server's contract (server/contract/renewal.ts, type-only imports). Requests name the city
 * and carry only what the planner changed (weights, method); the server fills the rest and reports
 * each value's origin.
 */
import type {
  Candidate, CandidateKind, CandidatesBody, CandidatesResult, ConstraintsBody, ConstraintsResult, EstateLedger, EstateLedgerPatch, ExpectedEffect,
  ExpectedEffectBodySchema, GreenCoverageEffect, LifeCircleEffect, Project, ProjectCreate, ProjectPatch, Recheck, RuleCheck,
} from '../../../server/contract/renewal.ts';
import type { Static } from 'typebox';
import type { ProblemListSchema } from '../../../server/contract/check.ts';
import type { FacilityCatalogSchema } from '../../../server/contract/map.ts';
import { getJson, pathWith, sendJson } from '../../api/http.ts';

export type { Candidate, CandidateKind, CandidatesBody, CandidatesResult, ConstraintsResult, ExpectedEffect, GreenCoverageEffect, LifeCircleEffect, Project, Recheck, RuleCheck };
export type FacilityCatalog = Static<typeof FacilityCatalogSchema>;

export const rankCandidates = (body: CandidatesBody, signal?: AbortSignal) =>
  sendJson<CandidatesResult>('/api/analysis/renewal/candidates', 'POST', body, signal);
export const checkConstraints = (body: ConstraintsBody, signal?: AbortSignal) =>
  sendJson<ConstraintsResult>('/api/analysis/renewal/constraints', 'POST', body, signal);
export const listProjects = (city: string, signal?: AbortSignal) =>
  getJson<{ projects: Project[] }>(pathWith('/api/renewal/projects', { dataset: city }), signal);
export const createProject = (body: ProjectCreate, signal?: AbortSignal) =>
  sendJson<Project>('/api/renewal/projects', 'POST', body, signal);
export const moveProject = (id: number, to: string, reason: string, actor: string, signal?: AbortSignal) =>
  sendJson<Project>(`/api/renewal/projects/${id}/transitions`, 'POST', { to, reason, actor }, signal);
export const fetchRecheck = (id: number, signal?: AbortSignal) => getJson<Recheck>(`/api/renewal/projects/${id}/recheck`, signal);
/** Edits an estate's renovation ledger fields from the map (audited; the next ranking sees it). */
export const editEstate = (id: number, body: EstateLedgerPatch, signal?: AbortSignal) =>
  sendJson<EstateLedger>(`/api/renewal/ledger/estates/${id}`, 'PATCH', body, signal);
/** Edits a project's fields or its site geometry (drawn on the map; invalid → 400 with the reason). */
export const patchProject = (id: number, body: ProjectPatch, signal?: AbortSignal) =>
  sendJson<Project>(`/api/renewal/projects/${id}`, 'PATCH', body, signal);
/** Estate-level problems of the city's problem ledger (体检 → 问题台账), to link to a project. */
export const listEstateProblems = (city: string, signal?: AbortSignal) =>
  getJson<Static<typeof ProblemListSchema>>(pathWith('/api/check/problems', { dataset: city, unitKind: 'estate' }), signal);
/**
 * Predicts and stores a project's expected effect: `park: true` (its site as a new park on the city's
 * latest green-coverage run, made by the server when the city has none) and/or a new facility of a
 * type (at lon/lat, or without them at the site).
 */
export const predictEffect = (id: number, body: Static<typeof ExpectedEffectBodySchema>, signal?: AbortSignal) =>
  sendJson<Project>(`/api/renewal/projects/${id}/expected-effect`, 'POST', body, signal);
/** The city's facility catalog (types with their standard walking distance). */
export const listFacilityTypes = (city: string, signal?: AbortSignal) =>
  getJson<FacilityCatalog>(pathWith('/api/facility-types', { dataset: city }), signal);
