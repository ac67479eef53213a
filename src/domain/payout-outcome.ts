/**
 * Where a payout stands and how it ended. Pure types and zod schemas: the workflow, the client, the CLI and
 * the reports share them. Nothing here ever holds a full card number: cards appear masked.
 */
import { z } from 'zod';
import { progressStatuses, terminalStatuses, type PayoutStatus, type TerminalStatus } from './payout-statuses.js';
import { providerNameSchema } from './payout-request.js';

// The zod-free parts live apart so that workflow code can import them without zod.
export { isTerminal, progressStatuses, terminalStatuses } from './payout-statuses.js';
export { idempotencyKeyFor, payoutIdOfKey } from './idempotency-key.js';

export const payoutStatusSchema = z.enum([...progressStatuses, ...terminalStatuses]) satisfies z.ZodType<PayoutStatus>;
export type { PayoutStatus, TerminalStatus } from './payout-statuses.js';
export const terminalStatusSchema = z.enum(terminalStatuses) satisfies z.ZodType<TerminalStatus>;

/** Why a provider refused: a batch stops on `systemic` (auth, balance, provider down), not on the others. */
export const failureClassSchema = z.enum(['declined', 'invalid_request', 'systemic', 'idempotency_conflict']);
export type FailureClass = z.infer<typeof failureClassSchema>;

export const validationProblemSchema = z.object({ path: z.string(), reason: z.string() });

export const payoutOutcomeSchema = z.object({
  payoutId: z.string(),
  status: terminalStatusSchema,
  provider: providerNameSchema,
  amount: z.number().int(),
  currency: z.string(),
  /** 424242******4242, or `token` for token payouts. */
  maskedCard: z.string(),
  attempt: z.number().int().positive(),
  idempotencyKey: z.string(),
  reference: z.string().optional(),
  /** The provider's code and message (declined), or our reason (rejected, cancelled, needs_review). */
  code: z.string().optional(),
  message: z.string().optional(),
  failureClass: failureClassSchema.optional(),
  problems: z.array(validationProblemSchema).optional(),
  finishedAt: z.string(),
});
export type PayoutOutcome = z.infer<typeof payoutOutcomeSchema>;
