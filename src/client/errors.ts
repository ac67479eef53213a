/**
 * Errors of the client library: one class per thing a caller may want to handle, each with the fields it
 * needs and a message an operator can act on. Messages never carry a card number.
 */
import type { ValidationProblem } from '../domain/provider-messages.js';

export class PayoutsClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request breaks the schema or the provider's rules; nothing was started. */
export class PayoutValidationError extends PayoutsClientError {
  constructor(
    readonly payoutId: string | undefined,
    readonly problems: readonly ValidationProblem[],
  ) {
    super(
      `payout ${payoutId ?? '(no payoutId)'} is invalid, nothing was started: ` +
        problems.map((problem) => `${problem.path || '(request)'}: ${problem.reason}`).join('; '),
    );
  }
}

/** A payout with this payoutId exists and was started from a different request. */
export class PayoutConflictError extends PayoutsClientError {
  constructor(
    readonly payoutId: string,
    detail: string,
  ) {
    super(`payoutId ${payoutId} is already used by a different payout request (${detail}); choose another payoutId`);
  }
}

export class PayoutNotFoundError extends PayoutsClientError {
  constructor(readonly payoutId: string) {
    super(`no payout with payoutId ${payoutId}`);
  }
}

/** The payout refused to cancel (already sent to the provider, or already ended). */
export class PayoutNotCancellableError extends PayoutsClientError {
  constructor(
    readonly payoutId: string,
    readonly reason: string,
  ) {
    super(`payout ${payoutId} cannot be cancelled: ${reason}`);
  }
}

export class OutcomeTimeoutError extends PayoutsClientError {
  constructor(
    readonly payoutId: string,
    readonly timeoutMs: number,
  ) {
    super(`payout ${payoutId} has no outcome after ${Math.round(timeoutMs / 1000)} s; it is still running`);
  }
}

/** One bad item of a batch: its position (1-based), its line in the source file when there is one. */
export interface ItemProblem {
  item: number;
  line?: number;
  payoutId?: string;
  path: string;
  reason: string;
}

export function describeItemProblem(problem: ItemProblem): string {
  const where = problem.line !== undefined ? `line ${problem.line}` : `item ${problem.item}`;
  const id = problem.payoutId ? ` (${problem.payoutId})` : '';
  return `${where}${id}: ${problem.path ? `${problem.path}: ` : ''}${problem.reason}`;
}

/** Some items are invalid; the whole batch was refused and nothing was started. */
export class BatchValidationError extends PayoutsClientError {
  constructor(readonly problems: readonly ItemProblem[]) {
    const shown = problems.slice(0, 20).map((problem) => `  ${describeItemProblem(problem)}`);
    const more = problems.length > shown.length ? [`  ... and ${problems.length - shown.length} more`] : [];
    super([`the batch has ${problems.length} problem(s); nothing was submitted:`, ...shown, ...more].join('\n'));
  }
}

/** A batch with this batchId exists and was submitted with different items (or another notBefore). */
export class BatchConflictError extends PayoutsClientError {
  constructor(readonly batchId: string) {
    super(`batchId ${batchId} is already used by a batch with different items; choose another batchId`);
  }
}

export class BatchNotFoundError extends PayoutsClientError {
  constructor(readonly batchId: string) {
    super(`no batch with batchId ${batchId}`);
  }
}

/** The batch refused a pause, resume or cancel (cancelled or finished already), or has no report yet. */
export class BatchStateError extends PayoutsClientError {
  constructor(
    readonly batchId: string,
    readonly reason: string,
  ) {
    super(`batch ${batchId}: ${reason}`);
  }
}
