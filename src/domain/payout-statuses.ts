/**
 * The statuses of a payout, without zod: workflow code imports this (a workflow's modules are evaluated
 * anew for every workflow a worker creates, so the workflow bundle holds no schemas). The zod enums built
 * from these lists are in payout-outcome.ts.
 */
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

/** The zod enums of payout-outcome.ts infer these same unions. */
export type TerminalStatus = (typeof terminalStatuses)[number];
export type PayoutStatus = (typeof progressStatuses)[number] | TerminalStatus;

export function isTerminal(status: PayoutStatus): status is TerminalStatus {
  return (terminalStatuses as readonly string[]).includes(status);
}
