/**
 * 更新 panel (治理 → 复查): ranked renewal candidates of the city with weight sliders and the ranking
 * method (re-ranked as they move), the top N on the map in rank colours, the ±20 % weight sensitivity, the constraint checks
 * of a chosen candidate (heritage hard checks with their rule texts, 留改拆 per building), and the
 * project library as a board by stage with the moves the workflow allows, and a project's detail.
 * Candidates are estates, street blocks (街区) and sites drawn on the map, ranked together; a project's
 * site is drawn or modified on the map too (terra-draw, through the host's drawing request).
 * Built like the other panels: typed API module, a pure layer factory, strings in the i18n
 * dictionaries, test ids.
 */
import type { Layer } from '@deck.gl/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { City } from '../../api/cities-api.ts';
import { fetchLabels, type Labels } from '../../api/map-api.ts';
import { isMessageKey } from '../../i18n/dictionaries.ts';
import { useI18n } from '../../i18n/i18n-context.tsx';
import { EffectiveParamsView } from '../effective-params.tsx';
import type { DrawnPolygon, DrawRequest } from '../../map/map-view.tsx';
import type { MapClick } from '../green-coverage/green-coverage-panel.tsx';
import type { RenewalDrawn } from '../../map/use-analysis-panels.ts';
import { createCandidateAreaLayer, createCandidateLayer, createFacilityPointLayer, createProjectLayer } from './create-renewal-layers.ts';
import { ProjectDetail } from './project-detail.tsx';
import {
  checkConstraints, createProject, editEstate, listProjects, moveProject, patchProject, rankCandidates,
  type Candidate, type CandidateKind, type CandidatesResult, type ConstraintsResult, type Project,
} from './renewal-api.ts';

export interface RenewalPanelProps {
  city: City;
  onLayers: (layers: Layer[]) => void;
  /** Asks the map for a polygon (null ends drawing); answered through `drawn`. */
  onDraw: (req: DrawRequest | null) => void;
  drawn: RenewalDrawn | null;
  /** The last map click while the panel asked for one (a project's new facility location). */
  lastClick: MapClick | null;
  onClickModeChange: (mode: RenewalClickMode) => void;
}

/** 'facility': the next map click places a project's new facility (预测效果). */
export type RenewalClickMode = 'none' | 'facility';

/** What a drawing on the map is for: a candidate site, or the site of a project. */
type DrawTarget = { key: number; target: 'site' } | { key: number; target: 'project'; projectId: number };
const KINDS: CandidateKind[] = ['estate', 'block', 'site'];
const cornersOf = (g: DrawnPolygon) => Math.max(0, g.coordinates[0].length - 1);

const STAGES = ['reserve', 'approved', 'implementing', 'completed', 'rechecked', 'closed'] as const;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const fmt = (v: number | null | undefined, d = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

export function RenewalPanel({ city, onLayers, onDraw, drawn, lastClick, onClickModeChange }: RenewalPanelProps) {
  const { t } = useI18n();
  const tx = (key: string, fallback: string) => (isMessageKey(key) ? t(key) : fallback);
  const [method, setMethod] = useState<'weighted_sum' | 'topsis'>('weighted_sum');
  const [weights, setWeights] = useState<Record<string, number> | null>(null);
  const [result, setResult] = useState<CandidatesResult | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [kinds, setKinds] = useState<ReadonlySet<CandidateKind>>(() => new Set(['estate']));
  const [sites, setSites] = useState<{ name?: string; geometry: DrawnPolygon }[]>([]);
  const [drawing, setDrawing] = useState<DrawTarget | null>(null);
  const [openProject, setOpenProject] = useState<number | null>(null);
  // The ranking reads the current kinds and sites without being re-created (its identity starts the first ranking).
  const scope = useRef({ kinds, sites });
  scope.current = { kinds, sites };
  const [check, setCheck] = useState<ConstraintsResult | null>(null);
  const [projects, setProjects] = useState<Project[]>([]);
  const [busy, setBusy] = useState(false);
  // A new facility's location picked on the map for the open project (else the server uses the site).
  const [picking, setPicking] = useState(false);
  const [facilityPoint, setFacilityPoint] = useState<{ lon: number; lat: number } | null>(null);
  const clickSeen = useRef(lastClick);
  useEffect(() => {
    if (lastClick === clickSeen.current) return;
    clickSeen.current = lastClick;
    if (!picking || !lastClick) return;
    setFacilityPoint({ lon: lastClick.lon, lat: lastClick.lat });
    setPicking(false);
  }, [lastClick, picking]);
  useEffect(() => onClickModeChange(picking ? 'facility' : 'none'), [picking, onClickModeChange]);
  useEffect(() => () => onClickModeChange('none'), [onClickModeChange]);
  useEffect(() => { setFacilityPoint(null); setPicking(false); }, [openProject]);
  const [labels, setLabels] = useState<Labels | null>(null);
  const [checkVersion, setCheckVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const rank = useCallback((w: Record<string, number> | null, m: typeof method, signal?: AbortSignal) => {
    setBusy(true);
    setError(null);
    const { kinds: k, sites: st } = scope.current;
    const ks = KINDS.filter((x) => k.has(x) && (x !== 'site' || st.length > 0));
    return rankCandidates({
      dataset: city.id, method: m, topN: 10, ...(w ? { weights: w } : {}),
      ...(ks.length === 1 && ks[0] === 'estate' ? {} : { kinds: ks.length ? ks : ['estate'] }),
      ...(ks.includes('site') ? { sites: st } : {}),
    }, signal)
      .then((r) => { setResult(r); if (!w) setWeights(Object.fromEntries(r.criteria.map((c) => [c.code, Math.round(c.weight * 100)]))); })
      .catch((e) => { if ((e as Error).name !== 'AbortError') setError(errText(e)); })
      .finally(() => setBusy(false));
  }, [city.id]);

  const reloadProjects = useCallback((signal?: AbortSignal) =>
    listProjects(city.id, signal).then((r) => setProjects(r.projects), (e) => (e as Error).name !== 'AbortError' && setError(errText(e))), [city.id]);

  useEffect(() => {
    const ac = new AbortController();
    void rank(null, 'weighted_sum', ac.signal);
    void reloadProjects(ac.signal);
    return () => ac.abort();
  }, [rank, reloadProjects]);

  // A moved slider or another method re-ranks after a short pause (the server reuses the criteria it
  // read a moment ago, so this stays quick); the first ranking on opening sets the sliders.
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited || !weights) return;
    const ac = new AbortController();
    const timer = setTimeout(() => void rank(weights, method, ac.signal), 300);
    return () => { clearTimeout(timer); ac.abort(); };
  }, [edited, weights, method, rank]);

  useEffect(() => {
    const ac = new AbortController();
    fetchLabels(ac.signal).then(setLabels, () => {});
    return () => ac.abort();
  }, []);

  useEffect(() => {
    const c = selected === null ? undefined : result?.candidates.find((x) => x.key === selected);
    if (!c) return setCheck(null);
    const ac = new AbortController();
    checkConstraints({ dataset: city.id, ...(c.estateId !== null ? { estateId: c.estateId } : { site: c.geometry! }) }, ac.signal).then(setCheck, (e) => (e as Error).name !== 'AbortError' && setError(errText(e)));
    return () => ac.abort();
    // Only a new selection (or a ledger edit) re-checks; a re-ranking keeps the card.
  }, [selected, city.id, checkVersion]);

  /** After a ledger edit: rank again with the current weights and re-check the site. */
  const onLedgerEdited = () => {
    void rank(weights, method);
    setCheckVersion((v) => v + 1);
  };

  useEffect(() => {
    onLayers([
      createProjectLayer(projects, { visible: true, selected: openProject }),
      createCandidateAreaLayer(result?.candidates ?? null, { visible: true, selected }),
      createCandidateLayer(result?.candidates ?? null, { visible: true, selected }),
      createFacilityPointLayer(facilityPoint, { visible: openProject !== null }),
    ]);
  }, [result, selected, projects, openProject, facilityPoint, onLayers]);
  useEffect(() => () => { onLayers([]); onDraw(null); }, [onLayers, onDraw]);

  const nameOf = (c: Candidate) => c.name ?? (c.kind === 'block' ? t('rn.block', { n: c.key.slice(6) }) : c.kind === 'site' ? t('rn.site', { n: c.key.slice(5) }) : `#${c.estateId}`);
  const toProject = (c: Candidate) => {
    setError(null);
    createProject({ dataset: city.id, actor: t('rn.actor'), name: nameOf(c), estateIds: c.estateIds, contentClass: ['basic'], ...(c.geometry ? { geometry: c.geometry } : {}) })
      .then((p) => { setOpenProject(p.id); return reloadProjects(); }, (e) => setError(errText(e)));
  };
  const move = (p: Project, to: string) => {
    setError(null);
    moveProject(p.id, to, t('rn.reason.default'), t('rn.actor')).then(() => reloadProjects(), (e) => setError(errText(e)));
  };
  const moveWithReason = (p: Project, to: string, reason: string) =>
    moveProject(p.id, to, reason, t('rn.actor')).then(() => { void reloadProjects(); return null; }, (e) => errText(e));

  // Drawing on the map: a new request each time; the polygon comes back through `drawn`.
  const drawKey = useRef(0);
  const startDrawing = (target: DrawTarget['target'], project?: Project) => {
    const key = ++drawKey.current;
    const next: DrawTarget = target === 'project' ? { key, target, projectId: project!.id } : { key, target };
    setDrawing(next);
    const g = project?.geometry;
    onDraw({ key, initial: g && g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates as number[][][] } : null });
  };
  const stopDrawing = () => { setDrawing(null); onDraw(null); };
  const pending = drawing && drawn && drawn.key === drawing.key ? drawn.polygon : null;
  const addSite = () => {
    if (!pending) return;
    const next = [...sites, { geometry: pending }];
    scope.current = { kinds: new Set([...kinds, 'site']), sites: next };
    setSites(next);
    setKinds(scope.current.kinds);
    stopDrawing();
    void rank(weights, method);
  };
  const saveProjectGeometry = () => {
    if (!pending || drawing?.target !== 'project') return;
    setError(null);
    patchProject(drawing.projectId, { actor: t('rn.actor'), geometry: pending })
      .then(() => { stopDrawing(); return reloadProjects(); }, (e) => setError(errText(e)));
  };
  const toggleKind = (k: CandidateKind, on: boolean) => {
    const next = new Set(kinds);
    if (on) next.add(k); else next.delete(k);
    scope.current = { kinds: next, sites };
    setKinds(next);
    void rank(weights, method);
  };
  const detail = projects.find((p) => p.id === openProject) ?? null;
  const crit = (code: string) => tx(`rn.crit.${code}`, code);

  return (
    <section className="renewal-panel" aria-label={t('tabs.renewal')} data-testid="renewal-panel">
      <h2>{t('rn.title')}</h2>
      <p className="muted small" data-testid="rn-city">{city.name}</p>
      <p className="muted small">{t('rn.note')}</p>
      <div className="gc-form">
        <label>{t('rn.method')}{' '}
          <select value={method} onChange={(e) => { setMethod(e.target.value as typeof method); setEdited(true); }} data-testid="rn-method">
            {(['weighted_sum', 'topsis'] as const).map((m) => <option key={m} value={m}>{t(`rn.method.${m}`)}</option>)}
          </select>
        </label>
        <span className="small" data-testid="rn-kinds">{t('rn.kinds')}:{' '}
          {KINDS.map((k) => (
            <label key={k}><input type="checkbox" checked={kinds.has(k)} onChange={(e) => toggleKind(k, e.target.checked)} data-testid={`rn-kind-${k}`} /> {t(`rn.kind.${k}`)} </label>
          ))}
        </span>
        <div className="small">
          {drawing?.target === 'site'
            ? <><span className="muted">{t('rn.draw.hint')}</span>{' '}
                {pending && <><span data-testid="rn-draw-ready">{t('rn.draw.ready', { n: cornersOf(pending) })}</span>{' '}
                  <button type="button" className="primary" onClick={addSite} data-testid="rn-draw-add">{t('rn.draw.add')}</button></>}{' '}
                <button type="button" onClick={stopDrawing} data-testid="rn-draw-cancel">{t('rn.draw.cancel')}</button></>
            : <button type="button" onClick={() => startDrawing('site')} data-testid="rn-draw-site">{t('rn.draw.site')}</button>}
          {sites.length > 0 && <> <button type="button" className="link" onClick={() => { scope.current = { kinds, sites: [] }; setSites([]); void rank(weights, method); }} data-testid="rn-sites-clear">{t('rn.sites.clear')} ({sites.length})</button></>}
        </div>
      </div>
      {weights && (
        <details className="rn-weights" open data-testid="rn-weights">
          <summary>{t('rn.weights')}</summary>
          <table className="gc-table"><tbody>
            {Object.entries(weights).map(([code, w]) => (
              <tr key={code} data-code={code}>
                <td>{crit(code)}</td>
                <td><input type="range" min={0} max={50} step={1} value={w} aria-label={crit(code)} data-testid={`rn-weight-${code}`}
                  onChange={(e) => { setWeights({ ...weights, [code]: Number(e.target.value) }); setEdited(true); }} /></td>
                <td className="num">{w}</td>
              </tr>
            ))}
          </tbody></table>
        </details>
      )}
      <button type="button" className="primary" disabled={busy} onClick={() => void rank(weights, method)} data-testid="rn-run">{busy ? t('rn.running') : t('rn.run')}</button>
      {error && <p role="alert" className="gc-error" data-testid="rn-error">{t('rn.error')}{error}</p>}

      {result && (
        <>
          <p className="small" data-testid="rn-counts">{t('rn.counts', result.counts)}{(result.counts.blocks > 0 || result.counts.sites > 0) && t('rn.counts.more', result.counts)}</p>
          <div className="gc-table-wrap">
            <table className="gc-table" data-testid="rn-candidates">
              <thead><tr><th>{t('rn.col.rank')}</th><th>{t('rn.col.name')}</th><th>{t('rn.col.year')}</th><th>{t('rn.col.score')}</th><th>{t('rn.col.mode')}</th><th>{t('rn.col.reasons')}</th><th /></tr></thead>
              <tbody>
                {result.candidates.map((c) => (
                  <tr key={c.key} data-key={c.key} data-kind={c.kind} data-estate={c.estateId ?? undefined} data-rank={c.rank} className={c.key === selected ? 'selected' : ''} onClick={() => setSelected(c.key)}>
                    <td className="num">{c.rank}</td>
                    <td>{c.kind !== 'estate' && <span className="badge">{t(`rn.kind.${c.kind}`)}</span>} {nameOf(c)}{c.isSample && <> <span className="sample-badge">{t('rn.sample')}</span></>}</td>
                    <td className="num">{c.buildYear ?? '—'}</td>
                    <td className="num">{fmt(c.score === null ? null : c.score * 100)}</td>
                    <td><span className={`badge rn-mode-${c.constraint.mode}`}>{t(`rn.mode.${c.constraint.mode}`)}</span></td>
                    <td className="small">{c.reasons.map((r) => `${crit(r.code)} ${fmt(r.value, r.value !== null && Math.abs(r.value) < 10 ? 1 : 0)}`).join('、')}</td>
                    <td><button type="button" className="link" onClick={(e) => { e.stopPropagation(); toProject(c); }} data-testid={`rn-to-project-${c.estateId ?? c.key}`}>{t('rn.toProject')}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Sensitivity result={result} crit={crit} />
          {check && <ConstraintsCard check={check} />}
          {check?.site.estateId != null && (() => {
            const c = result.candidates.find((x) => x.estateId === check.site.estateId);
            return c ? <EstateEditor key={`${c.estateId}-${c.renovationStatus}-${c.renovationClass.join()}`} candidate={c} labels={labels}
              onSaved={onLedgerEdited} onError={(e) => setError(errText(e))} /> : null;
          })()}
          <EffectiveParamsView params={result.effective} testId="rn-params" />
        </>
      )}
      <ProjectBoard projects={projects} onMove={move} onOpen={setOpenProject} />
      {detail && (
        <ProjectDetail key={detail.id} project={detail} onMove={(to, reason) => moveWithReason(detail, to, reason)}
          onDraw={() => startDrawing('project', detail)} onClose={() => setOpenProject(null)} onSaveGeometry={saveProjectGeometry}
          onLinkProblem={(id) => patchProject(detail.id, { actor: t('rn.actor'), problemRefs: [...detail.problemRefs, id] })
            .then(() => { void reloadProjects(); return null; }, (e) => errText(e))}
          onPredicted={() => void reloadProjects()}
          facilityPoint={facilityPoint} picking={picking} onPick={setPicking} onClearPoint={() => setFacilityPoint(null)}
          pendingCorners={drawing?.target === 'project' && drawing.projectId === detail.id && pending ? cornersOf(pending) : null} />
      )}
    </section>
  );
}

function Sensitivity({ result, crit }: { result: CandidatesResult; crit: (code: string) => string }) {
  const { t } = useI18n();
  const names = new Map(result.candidates.map((c) => [c.key, c.name ?? `#${c.key}`]));
  return (
    <details className="rn-sensitivity" data-testid="rn-sensitivity">
      <summary>{t('rn.sensitivity', { n: result.sensitivity.topN })}</summary>
      <table className="gc-table">
        <thead><tr><th /><th>{t('rn.sens.factor')}</th><th>{t('rn.sens.overlap')}</th><th>{t('rn.sens.moved')}</th><th>{t('rn.sens.entered')}</th></tr></thead>
        <tbody>
          {result.sensitivity.rows.map((r) => (
            <tr key={`${r.code}-${r.factor}`} data-code={r.code} data-factor={r.factor}>
              <td>{crit(r.code)}</td>
              <td className="num">{r.factor > 1 ? '+' : '−'}{Math.round(Math.abs(r.factor - 1) * 100)}%</td>
              <td className="num"><span className="dg-bar"><span style={{ width: `${Math.round(r.overlap * 100)}%` }} />{Math.round(r.overlap * 100)}%</span></td>
              <td className="num">{r.moved}</td>
              <td className="small">{r.entered.map((id) => names.get(id) ?? `#${id}`).join('、') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function ConstraintsCard({ check }: { check: ConstraintsResult }) {
  const { t } = useI18n();
  const rule = (r: string) => (isMessageKey(`rn.rule.${r}`) ? t(`rn.rule.${r}` as 'rn.rule.core_zone') : r);
  return (
    <div className="rn-constraints" data-testid="rn-constraints" data-mode={check.mode}>
      <h3>{t('rn.constraints')}: {check.site.name ?? ''} <span className={`badge rn-mode-${check.mode}`}>{t(`rn.mode.${check.mode}`)}</span></h3>
      <ul className="small">
        {[...check.heritage, ...check.policy].map((c) => (
          <li key={c.rule} data-rule={c.rule} data-pass={c.pass}>
            <strong>{rule(c.rule)}</strong> — <span className={c.pass ? 'badge confirmed' : 'badge unconfirmed'}>{c.pass ? t('rn.pass') : t('rn.fail')}</span>{' '}
            {c.text} <span className="muted">({c.source}; {c.confidence})</span>
          </li>
        ))}
      </ul>
      <p className="small" data-testid="rn-suggestion">
        {t('rn.suggestion')}: <strong>{t(`rn.sugg.${check.suggestion.suggestion}`)}</strong> ({rule(check.suggestion.rule)}) · {t('rn.buildings', { n: check.buildings.length })}
        {check.buildings.length > 0 && ` — ${(['retain', 'renovate', 'demolish'] as const).map((s) => `${t(`rn.sugg.${s}`)} ${check.buildings.filter((b) => b.suggestion === s).length}`).join(' / ')}`}
      </p>
    </div>
  );
}

const STATUSES = ['not_listed', 'surveyed', 'reserve', 'planned', 'under_works', 'completed'] as const;
const CLASSES = ['basic', 'improvement', 'upgrade'] as const;

/** Edits the estate's renovation ledger (status, content classes) from the map; labels from /api/labels. */
function EstateEditor({ candidate, labels, onSaved, onError }: { candidate: Candidate; labels: Labels | null; onSaved: () => void; onError: (e: unknown) => void }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState(candidate.renovationStatus ?? 'not_listed');
  const [classes, setClasses] = useState<string[]>(candidate.renovationClass);
  const [saving, setSaving] = useState(false);
  const label = (domain: string, code: string) => labels?.codes[domain]?.[code]?.[lang] ?? code;
  const save = () => {
    setSaving(true);
    editEstate(candidate.estateId!, { actor: t('rn.actor'), renovationStatus: status as (typeof STATUSES)[number], renovationClass: classes as (typeof CLASSES)[number][] })
      .then(onSaved, onError)
      .finally(() => setSaving(false));
  };
  return (
    <fieldset className="rn-edit" data-testid="rn-edit">
      <legend>{t('rn.edit.title')}</legend>
      <label>{t('rn.edit.status')}{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="rn-edit-status">
          {STATUSES.map((s) => <option key={s} value={s}>{label('renovation_status', s)}</option>)}
        </select>
      </label>{' '}
      {CLASSES.map((c) => (
        <label key={c}><input type="checkbox" checked={classes.includes(c)} data-testid={`rn-edit-class-${c}`}
          onChange={(e) => setClasses((xs) => (e.target.checked ? [...xs, c] : xs.filter((x) => x !== c)))} /> {label('renovation_class', c)}</label>
      ))}{' '}
      <button type="button" onClick={save} disabled={saving} data-testid="rn-edit-save">{t('rn.edit.save')}</button>
    </fieldset>
  );
}

function ProjectBoard({ projects, onMove, onOpen }: { projects: Project[]; onMove: (p: Project, to: string) => void; onOpen: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <details className="rn-projects" open data-testid="rn-projects">
      <summary>{t('rn.projects')} ({projects.length})</summary>
      {projects.length === 0 && <p className="muted small">{t('rn.projects.empty')}</p>}
      <div className="rn-board">
        {STAGES.map((s) => (
          <div key={s} className="rn-column" data-stage={s}>
            <h4>{t(`rn.stage.${s}`)}</h4>
            {projects.filter((p) => p.stage === s).map((p) => (
              <div key={p.id} className="rn-card" data-project={p.id}>
                <div className="small"><button type="button" className="link" onClick={() => onOpen(p.id)} data-testid={`rn-open-${p.id}`}>{p.name}</button></div>
                {p.nextStages.map((n) => (
                  <button key={n} type="button" className="link small" onClick={() => onMove(p, n)} data-testid={`rn-move-${p.id}-${n}`}>
                    {t('rn.moveTo', { stage: t(`rn.stage.${n}` as 'rn.stage.reserve') })}
                  </button>
                ))}
              </div>
            ))}
          </div>
        ))}
      </div>
    </details>
  );
}
