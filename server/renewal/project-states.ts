/**
 * The renewal project workflow (indicators.md §10; 储备库 → 实施库): 储备 reserve → 审批 approved →
 * 实施 implementing → 完工 completed → 复查 rechecked → 销号 closed. A project may go back from
 * approved to reserve (sent back for rework) and from rechecked to implementing (the re-check found
 * the problem unresolved); every other move is refused with 409. Closing (销号) also needs every
 * problem of the ledger the project addresses closed by the next check cycle (project-repository).
 */
import { IllegalTransitionError } from './renewal-error.ts';

export const STAGES = ['reserve', 'approved', 'implementing', 'completed', 'rechecked', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_ZH: Readonly<Record<Stage, string>> = Object.freeze({
  reserve: '储备', approved: '审批', implementing: '实施', completed: '完工', rechecked: '复查', closed: '销号',
});

export const NEXT_STAGES: Readonly<Record<Stage, readonly Stage[]>> = Object.freeze({
  reserve: ['approved'],
  approved: ['implementing', 'reserve'],
  implementing: ['completed'],
  completed: ['rechecked'],
  rechecked: ['closed', 'implementing'],
  closed: [],
});

/** Six-step loop step (体检→评价→诊断→治理→复查→监测预警) a project stage stands for. */
export const LOOP_STEP: Readonly<Record<Stage, string>> = Object.freeze({
  reserve: 'governance', approved: 'governance', implementing: 'governance', completed: 'governance', rechecked: 'recheck', closed: 'monitoring',
});

const label = (s: string) => (Object.hasOwn(STAGE_ZH, s) ? `${STAGE_ZH[s as Stage]} ${s}` : s);

/** Throws IllegalTransitionError (409) unless `to` is an allowed next stage of `from`. */
export function assertTransition(projectId: number, from: Stage, to: string): asserts to is Stage {
  const allowed = NEXT_STAGES[from];
  if (!(allowed as readonly string[]).includes(to)) {
    const next = allowed.length ? `allowed next: ${allowed.map(label).join(', ')}` : 'a closed project takes no further moves';
    throw new IllegalTransitionError(`Project ${projectId} cannot move from ${label(from)} to ${label(to)}; ${next}`, from, to);
  }
}
