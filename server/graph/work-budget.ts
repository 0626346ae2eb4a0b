/**
 * Deadlines and event-loop fairness for CPU-heavy work on the walking graph (searches, isochrone
 * polygons, life-circle tables).
 *
 * Long loops are written once, as generators that `yield` every few thousand steps; `runSync`
 * drains one in a single go (tests, benchmarks, small inputs), `WorkBudget.run` drains it in slices
 * of `sliceMs`, handing the event loop back with `setImmediate` between slices, and stops with a
 * DeadlineExceededError (503 + Retry-After) once the deadline has passed. Other requests are served
 * between slices, so one heavy request delays them by at most about one slice.
 */
import { HttpError } from '../errors.ts';

/** A step-wise computation: yields now and then, returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** The work took longer than its deadline: answered 503 with Retry-After. */
export class DeadlineExceededError extends HttpError {
  constructor(what: string, deadlineMs: number, retryAfterS: number) {
    super(503, `${what} did not finish within ${deadlineMs} ms; the server is busy or the request is too large — try again shortly or ask for less.`, 'DEADLINE_EXCEEDED', { 'retry-after': String(retryAfterS) });
  }
}

export interface WorkBudgetOptions {
  /** Milliseconds from creation until the work is abandoned. Default: none. */
  deadlineMs?: number;
  /** Longest stretch of work between two yields to the event loop, ms. Default 10. */
  sliceMs?: number;
  /** What is being computed, for the error message. */
  what?: string;
  /** Seconds to put in Retry-After. Default 5. */
  retryAfterS?: number;
  /** Clock in ms (injectable for tests). Default performance.now. */
  now?: () => number;
}

/** Drains a step-wise computation without yielding (for small inputs, tests and benchmarks). */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A deadline plus a time slice; one per request (or per shared background job, without deadline). */
export class WorkBudget {
  readonly deadlineMs: number;
  private readonly sliceMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private sliceStart: number;
  /** Times the work handed the event loop back (for tests and benchmarks). */
  yields = 0;

  constructor(private readonly opts: WorkBudgetOptions = {}) {
    this.deadlineMs = opts.deadlineMs ?? Infinity;
    this.sliceMs = opts.sliceMs ?? 10;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    this.sliceStart = this.started;
  }

  /** Throws DeadlineExceededError when the deadline has passed. */
  check(): void {
    if (this.now() - this.started >= this.deadlineMs) {
      throw new DeadlineExceededError(this.opts.what ?? 'The analysis', this.deadlineMs, this.opts.retryAfterS ?? 5);
    }
  }

  /** Called at a step's yield: checks the deadline and, once the slice is used up, yields a turn. */
  async pause(): Promise<void> {
    this.check();
    if (this.now() - this.sliceStart >= this.sliceMs) {
      await nextTurn();
      this.yields++;
      this.check();
      this.sliceStart = this.now();
    }
  }

  /** Drains a step-wise computation in slices; throws DeadlineExceededError past the deadline. */
  async run<T>(steps: Steps<T>): Promise<T> {
    this.check();
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      await this.pause();
    }
  }

  /** Waits for shared work (e.g. a table other requests also wait for) no longer than the deadline. */
  async wait<T>(p: Promise<T>): Promise<T> {
    // once this caller stops waiting, a later failure of the shared work is not its to report
    p.catch(() => {});
    this.check();
    if (this.deadlineMs === Infinity) return p;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      const left = Math.max(0, this.deadlineMs - (this.now() - this.started));
      timer = setTimeout(() => reject(new DeadlineExceededError(this.opts.what ?? 'The analysis', this.deadlineMs, this.opts.retryAfterS ?? 5)), left);
    });
    try {
      return await Promise.race([p, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
