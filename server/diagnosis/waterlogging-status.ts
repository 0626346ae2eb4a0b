/**
 * A waterlogging point's status workflow (内涝点治理): 未治理 untreated → 治理中 in_progress → 已销号 closed,
 * and back to untreated when a closed point floods again or treatment stops. The one place that
 * says which moves are legal; PATCH /api/waterlogging-points/:pointId applies it.
 */
import { HttpError } from '../errors.ts';

export const WATERLOGGING_STATUSES = ['untreated', 'in_progress', 'closed'] as const;
export type WaterloggingStatus = (typeof WATERLOGGING_STATUSES)[number];

/** Allowed next statuses of each status (staying where it is is always allowed: a note or a project link). */
export const WATERLOGGING_MOVES: Readonly<Record<WaterloggingStatus, readonly WaterloggingStatus[]>> = Object.freeze({
  untreated: ['in_progress'],
  in_progress: ['closed', 'untreated'],
  closed: ['untreated'],
});

const ZH: Record<string, string> = { untreated: '未治理', in_progress: '治理中', closed: '已销号' };

/** A status move the workflow does not allow (e.g. 未治理 → 已销号): 409 naming the allowed moves. */
export class WaterloggingTransitionError extends HttpError {
  constructor(message: string, readonly from: string, readonly to: string) {
    super(409, message, 'ILLEGAL_TRANSITION');
    this.name = 'WaterloggingTransitionError';
  }
}

/** Throws WaterloggingTransitionError unless `to` equals `from` or is an allowed next status of it. */
export function assertWaterloggingMove(pointId: number, from: string, to: string): void {
  const next = WATERLOGGING_MOVES[from as WaterloggingStatus] ?? [];
  if (from === to || next.includes(to as WaterloggingStatus)) return;
  const allowed = next.map((s) => `${ZH[s]} ${s}`).join(', ') || 'none';
  throw new WaterloggingTransitionError(
    `Waterlogging point ${pointId} cannot move from ${ZH[from] ?? ''} ${from} to ${ZH[to] ?? ''} ${to}; allowed next: ${allowed}`.replace(/ {2,}/g, ' '), from, to);
}
