import { HttpError } from '../../errors.ts';

/**
 * Input a hotspot statistic cannot be computed from (a non-finite value, a pair naming a unit that does
 * not exist, a field with no variance …). Answered 400 with the message by the one error handler.
 */
export class HotspotInputError extends HttpError {
  constructor(message: string, readonly context: Record<string, unknown> = {}) {
    super(400, message, 'HOTSPOT_INPUT');
    this.name = 'HotspotInputError';
  }
}
