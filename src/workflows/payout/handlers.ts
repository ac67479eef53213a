/**
 * PayoutWorkflow's signals, queries and updates, registered first thing in the workflow. Each handler reads and
 * changes the one PayoutState; the settle update asks the provider itself (the update carries no answer).
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import type { ProviderStatus } from '../../domain/provider-messages.js';
import { cardBindingFinishedSignal } from '../definitions.js';
import { describe } from './decisions.js';
import {
  awaitOutcomeUpdate,
  cancelPayoutUpdate,
  type CancelRequest,
  payoutStatusQuery,
  providerEventSignal,
  settlePayoutUpdate,
  type SettleRequest,
  type SettleResult,
} from './definitions.js';
import { lookUpStatus } from './outcome.js';
import { notifyMerchant, record, reviseBatch, searchableOutcome, setStatus } from './reporting.js';
import { decideSettlement } from './settlement.js';
import { type PayoutState, settledOutcome } from './state.js';
import { changeApplies } from './changes.js';

export function registerPayoutHandlers(state: PayoutState): void {
  const { request, view } = state;
  setHandler(payoutStatusQuery, () => view);
  setHandler(providerEventSignal, (event) => {
    state.inbox.push(event);
  });
  setHandler(
    cancelPayoutUpdate,
    async ({ reason }: CancelRequest) => {
      state.cancelReason = reason ?? 'cancelled on request';
      await condition(() => view.outcome !== undefined);
      return view;
    },
    {
      validator: (_request: CancelRequest) => {
        if (view.outcome) throw new Error(`payout ${request.payoutId} already ended as ${view.outcome.status}`);
        if (state.submissionStarted) {
          throw new Error(
            `payout ${request.payoutId} was already sent to ${request.provider}; it can no longer be cancelled`,
          );
        }
      },
    },
  );
  setHandler(cardBindingFinishedSignal, (outcome) => {
    state.bindingOutcome = outcome;
  });
  setHandler(awaitOutcomeUpdate, async () => {
    await condition(() => view.outcome !== undefined);
    return view.outcome as PayoutOutcome;
  });
  setHandler(settlePayoutUpdate, (asked: SettleRequest) => settleFromProvider(state, asked), {
    validator: (_evidence: SettleRequest) => {
      if (view.status !== 'needs_review') {
        throw new Error(`payout ${request.payoutId} is ${view.status}, not in review: nothing to settle`);
      }
    },
  });
}

/** The provider's answer to the payout's own lookup; a lookup that keeps failing is no answer. */
async function lookUpForSettlement(state: PayoutState): Promise<ProviderStatus> {
  try {
    return await lookUpStatus(state);
  } catch (error) {
    return { state: 'unknown', reason: `status lookup failed: ${String(error)}` };
  }
}

async function settleFromProvider(state: PayoutState, settle: SettleRequest): Promise<SettleResult> {
  const { request, view } = state;
  // The update carries no trusted answer: the payout asks its provider. Histories from before this rule
  // settled on the status the update carried.
  const asksProvider = changeApplies('settle-asks-provider');
  const status = asksProvider ? await lookUpForSettlement(state) : (settle.status as ProviderStatus);
  const evidence = describe(status);
  if (view.status !== 'needs_review') {
    // Settled meanwhile (another update, a late callback) while this one looked up.
    return { result: 'unchanged', status: view.status, reason: 'no longer in review', evidence };
  }
  const decision = asksProvider
    ? decideSettlement(view.reviewKind, status, request)
    : decideSettlement(view.reviewKind, status);
  if (status.reference && !view.reference) view.reference = status.reference;
  record(state, {
    eventId: `reconciliation:${settle.by}`,
    source: 'reconciliation',
    ...evidence,
    effect: decision.kind === 'settled' ? 'applied' : decision.kind === 'contradiction' ? 'contradiction' : 'recorded',
  });
  if (decision.kind === 'contradiction' && asksProvider && view.reviewKind === 'outcome_unknown') {
    // A definite answer that disagrees with what we sent: a person decides, reconciliation no longer settles it.
    view.reviewKind = 'contradiction';
    view.reviewReason = decision.reason;
  }
  if (decision.kind !== 'settled') {
    return { result: decision.kind, status: view.status, reason: decision.reason, evidence };
  }
  const outcome = settledOutcome(state, decision, new Date().toISOString());
  view.outcome = outcome;
  view.settlement = { by: settle.by, at: outcome.finishedAt };
  setStatus(state, outcome.status, `settled by ${settle.by}`, searchableOutcome(outcome));
  notifyMerchant(state, outcome, settle.by);
  reviseBatch(state, outcome);
  return { result: 'settled', status: outcome.status, ...(asksProvider ? { evidence } : {}) };
}
