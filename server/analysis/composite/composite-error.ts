import { HttpError } from '../../errors.ts';

/**
 * A composite-index input that cannot be scored (no target for target-based scoring, a non-finite
 * value, a missing expert weight …). Answered 400 with the message by the one error handler.
 */
export class CompositeInputError extends HttpError {
  constructor(message: string, readonly context: Record<string, unknown> = {}) {
    super(400, message, 'COMPOSITE_INPUT');
    this.name = 'CompositeInputError';
  }
}
