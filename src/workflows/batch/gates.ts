/**
 * The gates a batch passes before it pays anything, as pure functions over BatchRunState: four-eyes approval
 * (who may approve or reject, and what each decision does) and the providers' balance check (what is still
 * to be paid, and the pause reason when an account holds less). Unit-tested without Temporal.
 */
import { formatMoney } from '../../domain/currency.js';
import type { ProviderName } from '../../domain/payout-request.js';
import type {
  ApprovalDecision,
  BalanceShortfall,
  BatchApprovalRequest,
  BatchItem,
  BatchRunState,
  BatchWorkflowInput,
  ProviderAmounts,
} from './definitions.js';

// ---- approval ----

/**
 * What the gates read of a batch's approval: the worker's requirement (state.approvalRequired, learnt by the
 * batchApprovalPolicy activity) before the client's claim (input.approval).
 */
export function approvalGate(
  input: Pick<BatchWorkflowInput, 'batchId' | 'approval' | 'submittedBy'>,
  state: Pick<BatchRunState, 'approvalRequired' | 'submittedBy'>,
): Pick<BatchWorkflowInput, 'batchId' | 'approval' | 'submittedBy'> {
  const approval = state.approvalRequired ?? input.approval;
  const submittedBy = state.submittedBy ?? input.submittedBy;
  return {
    ...input,
    ...(approval ? { approval } : {}),
    ...(submittedBy !== undefined ? { submittedBy } : {}),
  };
}

/** The same person, however the name was typed (client identities compare the same way). */
const samePerson = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function settledMessage(batchId: string, settled: ApprovalDecision): string {
  if (settled.decision === 'expired') return `batch ${batchId} was not approved in time (${settled.at})`;
  return `batch ${batchId} was already ${settled.decision} by ${settled.by} at ${settled.at}`;
}

/** Why this approval or rejection is refused, or undefined when it may be applied (the updates' validators). */
export function approvalRefusal(
  input: Pick<BatchWorkflowInput, 'batchId' | 'approval' | 'submittedBy'>,
  state: BatchRunState,
  kind: 'approve' | 'reject',
  request: BatchApprovalRequest,
): string | undefined {
  const { batchId } = input;
  if (!input.approval) return `batch ${batchId} needs no approval${kind === 'reject' ? '; cancel it instead' : ''}`;
  if (state.approval) return settledMessage(batchId, state.approval);
  if (typeof request?.by !== 'string' || request.by.trim() === '') return 'name who decides (by)';
  if (kind === 'reject' && (typeof request.reason !== 'string' || request.reason.trim() === '')) {
    return 'a rejection needs a reason';
  }
  if (kind === 'approve' && input.submittedBy !== undefined && samePerson(request.by, input.submittedBy)) {
    return `${request.by} submitted batch ${batchId}: someone else must approve it`;
  }
  return undefined;
}

export function approve(state: BatchRunState, by: string, at: string): void {
  state.approval = { decision: 'approved', by: by.trim(), at };
}

/** Rejected or expired: the batch is cancelled with that reason, so nothing starts and every item is reported. */
export function refuseApproval(
  state: BatchRunState,
  decision: Omit<ApprovalDecision, 'decision'> & { decision: 'rejected' | 'expired' },
): void {
  state.approval = { ...decision, by: decision.by.trim() };
  const why =
    decision.decision === 'rejected'
      ? `rejected by ${decision.by.trim()}: ${decision.reason ?? ''}`
      : `not approved in time: ${decision.reason ?? ''}`;
  state.cancelled ??= { reason: why, at: decision.at };
}

/** True while a batch that needs approval has none (neither given nor refused). */
export function awaitingApproval(input: Pick<BatchWorkflowInput, 'approval'>, state: BatchRunState): boolean {
  return input.approval !== undefined && state.approval === undefined;
}

export function approvalDeadlineReason(timeoutMs: number): string {
  const hours = timeoutMs / 3_600_000;
  return `no approval within ${Number.isInteger(hours) ? `${hours} h` : `${Math.round(timeoutMs / 1000)} s`}`;
}

// ---- balances ----

/**
 * Adds the amounts of items just started or reported duplicate (they need no more funding from what remains).
 * Repeats inside the batch (`duplicateOf`) are left out, as they are of the client's totals.
 */
export function addStarted(state: BatchRunState, items: readonly BatchItem[]): void {
  const started: ProviderAmounts = state.startedAmounts ?? {};
  for (const { request, duplicateOf } of items) {
    if (duplicateOf !== undefined) continue;
    const perCurrency = (started[request.provider] ??= {});
    perCurrency[request.currency] = (perCurrency[request.currency] ?? 0) + request.amount;
  }
  state.startedAmounts = started;
}

/** What the unstarted items still need, per provider and currency; only positive amounts. */
export function remainingAmounts(totals: ProviderAmounts, started: ProviderAmounts = {}): ProviderAmounts {
  const remaining: ProviderAmounts = {};
  for (const [provider, perCurrency] of Object.entries(totals) as Array<[ProviderName, Record<string, number>]>) {
    for (const [currency, total] of Object.entries(perCurrency)) {
      const left = total - (started[provider]?.[currency] ?? 0);
      if (left > 0) (remaining[provider] ??= {})[currency] = left;
    }
  }
  return remaining;
}

export function hasAmounts(amounts: ProviderAmounts): boolean {
  return Object.values(amounts).some((perCurrency) => Object.keys(perCurrency ?? {}).length > 0);
}

const accountNames: Record<ProviderName, string> = { rbkmoney: 'RBKmoney wallet', ecommpay: 'ecommpay' };

/** The pause reason, e.g. "RBKmoney wallet balance 1 000.00 RUB is short of the batch's 5 000.00 RUB remaining". */
export function shortfallReason(shortfalls: readonly BalanceShortfall[]): string {
  return shortfalls
    .map(({ provider, currency, needed, available }) => {
      const account = accountNames[provider];
      const balance = formatMoney(available.amount, available.currency);
      const remaining = formatMoney(needed, currency);
      return available.currency === currency
        ? `${account} balance ${balance} is short of the batch's ${remaining} remaining`
        : `${account} holds ${available.currency} (${balance}), not the batch's ${remaining} remaining`;
    })
    .join('; ');
}
