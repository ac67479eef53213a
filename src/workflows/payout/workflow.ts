/**
 * PayoutWorkflow (id `payout-<payoutId>`): one durable process per payout, ending in exactly one terminal
 * state. Validate, submit once (an idempotency key makes every retry safe), then learn the outcome from
 * callbacks or, when none come, from status polls on a durable timer. After the outcome the workflow stays
 * open for a while so late callbacks are recorded, and a contradicting one sends the payout to review.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PayoutOutcome } from '../../domain/payout-outcome.js';
import { carriesSecurityCode } from '../../domain/card.js';
import { payoutSummary } from '../../domain/payout-summary.js';
import type { SubmitResult, ValidationProblem } from '../../domain/provider-messages.js';
import type { PreparedSubmission, SubmissionRefusal } from '../../activities/payout.js';
import type { PayoutRequest } from '../../domain/payout-request.js';
import {
  batchIdSearchAttribute,
  payoutAmountSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusSearchAttribute,
  payoutWorkflowType,
} from '../definitions.js';
import { preparation, submission } from './activities.js';
import { bindCard, needsCardBinding, type PreparedPayout } from './binding.js';
import type { PayoutWorkflowInput } from './definitions.js';
import { applicationFailure, failureClassOf, isDefiniteFailure, providerCode } from './failures.js';
import { registerPayoutHandlers } from './handlers.js';
import { closeAfterLateWindow, learnOutcome, poll } from './outcome.js';
import { finish, review, setStatus, unclassifiedFailure } from './reporting.js';
import { initialPayoutState, type PayoutState } from './state.js';
import { changeApplies } from './changes.js';

/**
 * Whether this run validates in the activity that submits: PayoutWorkflowV3, when no `notBefore` wait and no card
 * binding come between the two. The older types validate first, in a local activity, as their histories recorded.
 * So does a request with a security code (a starter that skipped the client): an activity's input is kept in
 * history, a local activity's is not, and the code must be refused without being copied anywhere.
 */
function preparesInSubmission(request: PayoutRequest): boolean {
  return (
    workflowInfo().workflowType === payoutWorkflowType &&
    !request.notBefore &&
    !needsCardBinding(request) &&
    !carriesSecurityCode(request.card)
  );
}

/** Starters and tests name the input from here too; its home is definitions.ts. */
export type { PayoutTimings, PayoutWorkflowInput } from './definitions.js';
export { defaultPayoutTimings, maxRecordedDuplicates } from './state.js';

/**
 * The second type, kept while its runs drain: every change of PayoutWorkflow taken, no markers (changes.ts), its
 * status in visibility at the start and at the outcome only.
 */
export async function PayoutWorkflowV2(input: PayoutWorkflowInput): Promise<PayoutOutcome> {
  return await payOut(input);
}

/**
 * The payout's current type: as PayoutWorkflowV2, but where nothing comes between validation and submission
 * (preparesInSubmission) one activity does both, without the local activity's marker and activation. Clients and
 * batches start this one.
 */
export async function PayoutWorkflowV3(input: PayoutWorkflowInput): Promise<PayoutOutcome> {
  return await payOut(input);
}

/** The first type, kept while its runs drain: each change by its `patched()` marker. */
export async function PayoutWorkflow(input: PayoutWorkflowInput): Promise<PayoutOutcome> {
  return await payOut(input);
}

async function payOut(input: PayoutWorkflowInput): Promise<PayoutOutcome> {
  const state = initialPayoutState(input);
  registerPayoutHandlers(state);
  const preparedByWorker = announce(state);
  if (preparesInSubmission(state.request) && state.cancelReason === undefined) {
    // ---- from here on money may move: nothing may abandon the payout ----
    state.submissionStarted = true;
    return await CancellationScope.nonCancellable(() => prepareSubmitAndLearn(state));
  }
  const prepared = await prepare(state, preparedByWorker);
  if ('closed' in prepared) return prepared.closed;
  if (state.cancelReason !== undefined) {
    return await closeAfterLateWindow(state, finish(state, 'cancelled', { message: state.cancelReason }));
  }
  // ---- from here on money may move: nothing may abandon the payout ----
  state.submissionStarted = true;
  return await CancellationScope.nonCancellable(() => submitAndLearn(state, prepared.destinationId));
}

/**
 * The client and the batch start a payout with its search attributes set (batch/child-options.ts): writing
 * them again costs two visibility writes per payout. Histories from before 'prepare-payout' wrote them.
 */
function announce(state: PayoutState): boolean {
  const { request } = state;
  const preparedByWorker = changeApplies('prepare-payout');
  if (preparedByWorker && workflowInfo().typedSearchAttributes.get(payoutStatusSearchAttribute) !== undefined) {
    setCurrentDetails(`**validating**: ${payoutSummary(request)}`);
  } else {
    upsertSearchAttributes([
      { key: payoutProviderSearchAttribute, value: request.provider },
      { key: payoutCurrencySearchAttribute, value: request.currency },
      { key: payoutAmountSearchAttribute, value: request.amount },
      ...(request.batchId ? [{ key: batchIdSearchAttribute, value: request.batchId }] : []),
    ]);
    setStatus(state, 'validating', payoutSummary(request));
  }
  return preparedByWorker;
}

/**
 * Before submission, cancellable: validate, wait for `notBefore`, bind the card where the provider pays to
 * bound cards. A payout that ends here (rejected, declined, in review) closes inside the try, as it always
 * has; a cancel request leaves `cancelReason` set.
 */
async function prepare(state: PayoutState, preparedByWorker: boolean): Promise<PreparedPayout> {
  const { request } = state;
  try {
    // Histories from before preparePayout validated only, and always offered notifications.
    const { problems, merchantNotifications } = preparedByWorker
      ? await preparation.preparePayout(request)
      : { problems: await preparation.validatePayout(request), merchantNotifications: true };
    state.merchantNotifications = merchantNotifications;
    if (problems.length > 0) return { closed: await closeAfterLateWindow(state, rejectedFor(state, problems)) };
    if (request.notBefore) {
      const waitMs = Date.parse(request.notBefore) - Date.now();
      if (waitMs > 0) {
        setStatus(state, 'scheduled', `waiting until ${request.notBefore}`);
        await condition(() => state.cancelReason !== undefined, waitMs);
      }
    }
    if (needsCardBinding(request) && state.cancelReason === undefined) {
      return await bindCard(state, request.card);
    }
    return {};
  } catch (error) {
    if (isCancellation(error)) {
      state.cancelReason ??= 'workflow cancelled';
      return {};
    }
    if (!changeApplies('outcome-for-every-failure')) throw error;
    return { closed: await closeAfterLateWindow(state, failedPreparation(state, error)) };
  }
}

function rejectedFor(state: PayoutState, problems: ValidationProblem[]): PayoutOutcome {
  return finish(state, 'rejected', { problems, message: `${problems.length} problem(s): nothing was sent` });
}

/**
 * Nothing was sent: a provider this worker cannot pay through is rejected (systemic, so a batch's breaker counts
 * it); anything else ends in review with the error. Never a payout without an outcome.
 */
function failedPreparation(state: PayoutState, error: unknown): PayoutOutcome {
  const failure = applicationFailure(error);
  if (failure && failureClassOf(failure) === 'systemic' && providerCode(failure) === 'config') {
    return finish(state, 'rejected', {
      code: 'provider_not_configured',
      message: failure.message,
      failureClass: 'systemic',
    });
  }
  return unclassifiedFailure(state, error, 'preparing the payout');
}

/** Submits once (the idempotency key makes every retry safe), then learns the outcome and closes. */
async function submitAndLearn(state: PayoutState, destinationId: string | undefined): Promise<PayoutOutcome> {
  const { request, idempotencyKey } = state;
  setStatus(state, 'submitting', payoutSummary(request));
  let submitted: SubmitResult | undefined;
  try {
    submitted = await submission.submitPayout({ request, idempotencyKey, ...(destinationId ? { destinationId } : {}) });
  } catch (error) {
    refusedSubmission(state, error);
  }
  return await learnAfterSubmission(state, submitted);
}

/**
 * PayoutWorkflowV3's one call: validated and sent together. A refusal before sending closes the payout as
 * prepare() would; a refusal of the submission is read as submitAndLearn reads a failure.
 */
async function prepareSubmitAndLearn(state: PayoutState): Promise<PayoutOutcome> {
  const { request, idempotencyKey } = state;
  setStatus(state, 'submitting', `${payoutSummary(request)}; validated in the same call`);
  let prepared: PreparedSubmission | undefined;
  try {
    prepared = await submission.prepareAndSubmitPayout({ request, idempotencyKey });
  } catch (error) {
    refusedSubmission(state, error);
  }
  if (prepared) state.merchantNotifications = prepared.merchantNotifications;
  if (prepared?.problems.length) return await closeAfterLateWindow(state, rejectedFor(state, prepared.problems));
  if (prepared?.notSent) {
    return await closeAfterLateWindow(state, failedPreparation(state, failureOf(prepared.notSent)));
  }
  if (prepared?.refused) refusedSubmission(state, failureOf(prepared.refused));
  return await learnAfterSubmission(state, prepared?.submitted);
}

function failureOf({ message, type, details }: SubmissionRefusal): ApplicationFailure {
  return ApplicationFailure.create({ message, type, details: details ? [details] : [], nonRetryable: true });
}

/** After the submission: its answer, or the outcome learnt from callbacks and polls; then the late window. */
async function learnAfterSubmission(state: PayoutState, submitted: SubmitResult | undefined): Promise<PayoutOutcome> {
  const { view } = state;
  const submittedAt = Date.now();
  view.submittedAt = new Date(submittedAt).toISOString();
  if (submitted?.reference) view.reference = submitted.reference;
  // "Already exists" is a claim: read the provider's record and compare it with ours before waiting on it.
  if (submitted?.outcome === 'duplicate' && !view.outcome && changeApplies('verify-duplicates')) await poll(state);
  if (!view.outcome) {
    const how =
      submitted?.outcome === 'duplicate' ? 'provider already had it' : submitted ? 'accepted' : 'answer unknown';
    setStatus(state, 'submitted', `${how}; waiting for the outcome`);
    await learnOutcome(state, submittedAt);
  }
  return await closeAfterLateWindow(state, view.outcome as PayoutOutcome);
}

/** What a failed submission means: a definite refusal ends the payout; anything else leaves it to be learnt. */
function refusedSubmission(state: PayoutState, error: unknown): void {
  const { request, idempotencyKey } = state;
  const failure = applicationFailure(error);
  const failureClass = failureClassOf(failure);
  if (failure && failureClass === 'unclassified') {
    // A code the provider's table does not hold: whether anything was registered is not known, so never a
    // decline; reconciliation may settle it from the provider's status later.
    state.view.reviewKind = 'outcome_unknown';
    finish(state, 'needs_review', { code: providerCode(failure), message: failure.message });
  } else if (failure && failureClass === 'idempotency_conflict') {
    review(
      state,
      `idempotency key ${idempotencyKey} is taken by a different object at ${request.provider}: ${failure.message}`,
    );
  } else if (failure && isDefiniteFailure(failureClass)) {
    finish(state, 'declined', {
      code: providerCode(failure) ?? failure.type ?? undefined,
      message: failure.message,
      failureClass,
    });
  } else {
    // Retries ran out with the outcome unknown: the request may have arrived, so learn it, never resend blindly.
    log.warn('submission outcome unknown; polling the provider', { payoutId: request.payoutId });
  }
}
