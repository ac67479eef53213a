/**
 * Where a payout stands and how it ended. Pure types and zod schemas: the workflow, the client, the CLI and
 * the reports share them. Nothing here ever holds a full card number: cards appear masked.
 */
import { z } from 'zod';
import { providerNameSchema } from './payout-request.js';

/** Statuses a payout passes through before its outcome is known. */
export const progressStatuses = [
  'validating',
  'scheduled',
  'binding_card',
  'submitting',
  'submitted',
  'awaiting_clarification',
] as const;

/**
 * Exactly one of these ends every payout. `needs_review` means the outcome is not known for sure (money may
 * have moved): it is never reported as a failure.
 */
export const terminalStatuses = ['succeeded', 'declined', 'rejected', 'cancelled', 'needs_review'] as const;

export const payoutStatusSchema = z.enum([...progressStatuses, ...terminalStatuses]);
export type PayoutStatus = z.infer<typeof payoutStatusSchema>;
export const terminalStatusSchema = z.enum(terminalStatuses);
export type TerminalStatus = z.infer<typeof terminalStatusSchema>;

export function isTerminal(status: PayoutStatus): status is TerminalStatus {
  return (terminalStatuses as readonly string[]).includes(status);
}

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

/**
 * The provider-side idempotency key (ecommpay payment_id, RBKmoney externalID) of one attempt: the first uses
 * the payoutId itself; a later attempt, made only after the previous one was definitely declined, its own.
 */
export function idempotencyKeyFor(payoutId: string, attempt: number): string {
  return attempt === 1 ? payoutId : `${payoutId}.a${attempt}`;
}

/** The payoutId an idempotency key belongs to; "." never occurs in a payoutId, so this is unambiguous. */
export function payoutIdOfKey(idempotencyKey: string): string {
  const dot = idempotencyKey.indexOf('.');
  return dot === -1 ? idempotencyKey : idempotencyKey.slice(0, dot);
}
