/**
 * A sandbox withdrawal as kept in the shared ledger's `details`: the provider's view of it (./wire.ts
 * Withdrawal), what will happen to it, and its status events. Parsed back with zod when the sandbox restarts
 * from a state file. Holds the masked card only.
 */
import { z } from 'zod';
import { withdrawalFailureSchema, withdrawalSchema, withdrawalStatusSchema } from './wire.js';

export const withdrawalOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('success'), speed: z.enum(['normal', 'slow']) }),
  z.object({ kind: z.literal('fail'), failure: z.string().min(1) }),
  z.object({ kind: z.literal('pending') }),
]);

export const withdrawalStatusEventSchema = z.object({
  eventID: z.number().int(),
  occuredAt: z.string(),
  status: withdrawalStatusSchema,
  failure: withdrawalFailureSchema.optional(),
});

export const withdrawalRecordSchema = z.object({
  withdrawal: withdrawalSchema,
  /** Canonical JSON of the create request, to tell a repeat from a conflict. */
  params: z.string(),
  /** The wallet's owner, whose webhooks hear about it. */
  identityId: z.string(),
  card: z.string(),
  outcome: withdrawalOutcomeSchema,
  /** The amount is held on the wallet until the withdrawal ends. */
  held: z.boolean(),
  events: z.array(withdrawalStatusEventSchema),
  /** When the next step is due (ISO 8601); set while a timer is armed. */
  dueAt: z.string().optional(),
});
export type WithdrawalRecord = z.infer<typeof withdrawalRecordSchema>;
