import { HttpError } from '../errors.ts';

/** A renewal input that cannot be checked (scenario figures that contradict each other …): 400. */
export class RenewalInputError extends HttpError {
  constructor(message: string) {
    super(400, message, 'RENEWAL_INPUT');
    this.name = 'RenewalInputError';
  }
}

/** A project stage move the workflow does not allow (e.g. 储备 → 销号): 409 with the allowed moves. */
export class IllegalTransitionError extends HttpError {
  constructor(message: string, readonly from: string, readonly to: string) {
    super(409, message, 'ILLEGAL_TRANSITION');
    this.name = 'IllegalTransitionError';
  }
}
