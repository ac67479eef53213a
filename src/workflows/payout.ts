/**
 * PayoutWorkflow (id `payout-<payoutId>`): one durable process per payout, ending in exactly one terminal
 * state. Validate, submit once (an idempotency key makes every retry safe), then learn the outcome from
 * callbacks or, when none come, from status polls on a durable timer. After the outcome the workflow stays
 * open for a while so late callbacks are recorded, and a contradicting one sends the payout to review.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CardBindingActivities } from '../activities/card-binding.js';
import type { PayoutActivities } from '../activities/payout.js';
import { isPanCard } from '../domain/card.js';
import { countPayoutOutcome } from '../metrics/workflow-metrics.js';
import { idempotencyKeyFor } from '../domain/idempotency-key.js';
import type { FailureClass, PayoutOutcome, PayoutStatus, TerminalStatus } from '../domain/payout-outcome.js';
import type { PanCard } from '../domain/payout-request.js';
import { maskedCardOf, payoutSummary } from '../domain/payout-summary.js';
import type { ProviderEvent, ProviderStatus, SubmitResult } from '../domain/provider-messages.js';
import {
  awaitOutcomeUpdate,
  batchIdSearchAttribute,
  type BindingOutcome,
  cardBindingFinishedSignal,
  cancelPayoutUpdate,
  type CancelRequest,
  failureTypes,
  nonRetryableFailureTypes,
  payoutAmountSearchAttribute,
  payoutFinishedSignal,
  payoutRevisedSignal,
  payoutCurrencySearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusQuery,
  payoutStatusSearchAttribute,
  type PayoutTimings,
  type PayoutView,
  type PayoutWorkflowInput,
  providerEventSignal,
  type RecordedEvent,
  settlePayoutUpdate,
  type SettleRequest,
  type SettleResult,
} from './definitions.js';
import { payoutNotification } from '../notifications/events.js';
import { deliverInBackground } from './notification/workflow.js';
import { decideSettlement } from './settlement.js';
import {
  decideClosed,
  decideOpen,
  type Decision,
  describe,
  formatDuration,
  nextPollDelay,
  withoutReport,
  adoptReference,
} from './payout-decisions.js';

/** Starters and tests name the input from here too; its home is definitions.ts. */
export type { PayoutTimings, PayoutWorkflowInput } from './definitions.js';

export const defaultPayoutTimings: PayoutTimings = {
  firstPollAfterMs: 30_000,
  maxPollIntervalMs: 30 * 60_000,
  outcomeDeadlineMs: 72 * 3_600_000,
  // RBKmoney retries a webhook for 24 hours; a day more covers a relay outage.
  lateEventWindowMs: 48 * 3_600_000,
  // Reconciliation asks hourly; a payout the provider cannot answer for in a month is a person's case.
  settlementWindowMs: 30 * 24 * 3_600_000,
  clarificationWindowMs: 30 * 60_000,
};

/** Copies of one event recorded as `duplicate` in the payout's view; later copies are counted only. */
export const maxRecordedDuplicates = 3;

const validation = proxyLocalActivities<PayoutActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

/** Transient failures retry for up to an hour; the idempotency key makes each retry safe. */
const submission = proxyActivities<PayoutActivities>({
  startToCloseTimeout: '90 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
});

/** Joining a card binding is quick; the binding itself runs in its own workflow. */
const binding = proxyActivities<CardBindingActivities>({
  startToCloseTimeout: '60 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: nonRetryableFailureTypes },
});

/** A failed lookup only delays the next one: polling goes on until the deadline. */
const lookups = proxyActivities<PayoutActivities>({
  startToCloseTimeout: '60 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: nonRetryableFailureTypes,
  },
});

const failureClassOf: Record<string, FailureClass> = {
  [failureTypes.declined]: 'declined',
  [failureTypes.invalidRequest]: 'invalid_request',
  [failureTypes.systemic]: 'systemic',
  [failureTypes.idempotencyConflict]: 'idempotency_conflict',
};

function applicationFailure(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause;
  return error instanceof ApplicationFailure ? error : undefined;
}

function providerCode(failure: ApplicationFailure): string | undefined {
  const details = failure.details?.[0] as { code?: unknown } | undefined;
  return typeof details?.code === 'string' ? details.code : undefined;
}

export async function PayoutWorkflow(input: PayoutWorkflowInput): Promise<PayoutOutcome> {
  const { request } = input;
  const attempt = input.attempt ?? 1;
  const timings: PayoutTimings = { ...defaultPayoutTimings, ...input.timings };
  const idempotencyKey = idempotencyKeyFor(request.payoutId, attempt);

  const view: PayoutView = {
    payoutId: request.payoutId,
    status: 'validating',
    provider: request.provider,
    amount: request.amount,
    currency: request.currency,
    maskedCard: maskedCardOf(request),
    attempt,
    idempotencyKey,
    ...(request.notBefore ? { notBefore: request.notBefore } : {}),
    events: [],
  };
  const inbox: ProviderEvent[] = [];
  const seenEventIds = new Set<string>();
  const duplicateCopies = new Map<string, number>();
  const answeredClarifications = new Set<string>();
  /** A clarification the payout could not answer: when the provider's window for it has passed. */
  let clarificationClosesAt: number | undefined;
  let cancelReason: string | undefined;
  let submissionStarted = false;
  let parentNotified: Promise<void> | undefined;
  /** The status the parent batch was told last; a later change is sent as a revision. */
  let reportedToBatch: TerminalStatus | undefined;
  let bindingOutcome: BindingOutcome | undefined;
  const notified = new Set<string>();
  const notifications: Promise<void>[] = [];
  // The worker says whether it delivers notifications when the payout is prepared; a payout cancelled before
  // that answer offers its notification anyway (the delivery is a no-op when they are off).
  let merchantNotifications = true;

  const setStatus = (status: PayoutStatus, details: string) => {
    view.status = status;
    upsertSearchAttributes([{ key: payoutStatusSearchAttribute, value: status }]);
    setCurrentDetails(`**${status}**: ${details}`);
  };

  /** Tells the merchant's backend about each new terminal status, once; runs beside the workflow, never before it. */
  const notifyMerchant = (outcome: PayoutOutcome, settledBy?: string) => {
    if (!merchantNotifications || !patched('merchant-notifications')) return;
    const notification = payoutNotification(outcome, {
      occurredAt: new Date().toISOString(),
      ...(request.batchId ? { batchId: request.batchId } : {}),
      ...(settledBy ? { settledBy } : {}),
    });
    if (notified.has(notification.id)) return;
    notified.add(notification.id);
    notifications.push(deliverInBackground(notification));
  };

  const finish = (
    status: TerminalStatus,
    fields: Pick<PayoutOutcome, 'code' | 'message' | 'failureClass' | 'problems'> = {},
  ): PayoutOutcome => {
    const outcome: PayoutOutcome = {
      payoutId: request.payoutId,
      status,
      provider: request.provider,
      amount: request.amount,
      currency: request.currency,
      maskedCard: view.maskedCard,
      attempt,
      idempotencyKey,
      ...(view.reference ? { reference: view.reference } : {}),
      ...fields,
      finishedAt: new Date().toISOString(),
    };
    view.outcome = outcome;
    countPayoutOutcome(outcome);
    setStatus(status, fields.message ?? fields.code ?? payoutSummary(request));
    // A batch learns each outcome from its children by signal, so it never waits for their late-event window.
    const parent = workflowInfo().parent;
    if (parent) {
      // No run id: after continue-as-new the batch's current run must get it. Not cancellable: a payout
      // cancelled from the UI still tells its batch.
      parentNotified = CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(parent.workflowId).signal(payoutFinishedSignal, outcome),
      )
        // The batch may have been closed by an operator; the payout's own outcome stands regardless.
        .catch((error: unknown) => log.warn('could not notify the parent batch', { error: String(error) }));
      reportedToBatch = status;
    }
    notifyMerchant(outcome);
    return outcome;
  };

  /**
   * Tells the batch that a finished outcome changed (settled, or contradicted into review), after its earlier
   * signals: the batch moves the item between its counts and replaces the report row. A batch that has closed
   * refuses the signal; the item's page then keeps the row and the change to the batch's totals.
   */
  const reviseBatch = (outcome: PayoutOutcome) => {
    const parent = workflowInfo().parent;
    const { batchItem } = input;
    if (!parent || !batchItem || reportedToBatch === undefined || reportedToBatch === outcome.status) return;
    if (!patched('revisions-reach-batch')) return;
    const revision = { seq: batchItem.seq, previous: reportedToBatch, outcome };
    reportedToBatch = outcome.status;
    const earlier = parentNotified ?? Promise.resolve();
    parentNotified = earlier.then(() =>
      CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(parent.workflowId)
          .signal(payoutRevisedSignal, revision)
          .catch(() => getExternalWorkflowHandle(batchItem.pageWorkflowId).signal(payoutRevisedSignal, revision))
          .catch((error: unknown) => log.warn('could not revise the batch', { error: String(error) })),
      ),
    );
  };

  /** An error no rule classifies ends the payout in review, naming the step and the error, before anything was sent. */
  const unclassifiedFailure = (error: unknown, step: string): PayoutOutcome => {
    const failure = applicationFailure(error);
    const cause = error instanceof ActivityFailure && error.cause ? error.cause.message : undefined;
    const detail = failure?.message ?? cause ?? (error instanceof Error ? error.message : String(error));
    return finish('needs_review', { message: `${step} failed and nothing was sent: ${detail}` });
  };

  /**
   * A decline's class from the provider's code table: 3028 or account_limit_exceeded is our balance (systemic,
   * counted by a batch's breaker), not the card. Histories from before the table reached callbacks said declined.
   */
  const declineClass = (failureClass: FailureClass | undefined): FailureClass =>
    failureClass && failureClass !== 'declined' && patched('classify-decline-codes') ? failureClass : 'declined';

  /** Sends a finished payout to review: its outcome stays readable, the reason says what contradicts it. */
  const review = (reason: string) => {
    view.reviewReason = reason;
    view.reviewKind = 'contradiction';
    if (view.outcome) {
      if (view.outcome.status !== 'needs_review') countPayoutOutcome({ ...view.outcome, status: 'needs_review' });
      view.outcome = { ...view.outcome, status: 'needs_review', message: reason };
      setStatus('needs_review', reason);
      notifyMerchant(view.outcome);
      reviseBatch(view.outcome);
    } else {
      finish('needs_review', { message: reason });
    }
  };

  const record = (event: Omit<RecordedEvent, 'receivedAt'>) => {
    view.events.push({ ...event, receivedAt: new Date().toISOString() });
  };

  setHandler(payoutStatusQuery, () => view);
  setHandler(providerEventSignal, (event) => {
    inbox.push(event);
  });
  setHandler(
    cancelPayoutUpdate,
    async ({ reason }: CancelRequest) => {
      cancelReason = reason ?? 'cancelled on request';
      await condition(() => view.outcome !== undefined);
      return view;
    },
    {
      validator: (_request: CancelRequest) => {
        if (view.outcome) throw new Error(`payout ${request.payoutId} already ended as ${view.outcome.status}`);
        if (submissionStarted) {
          throw new Error(
            `payout ${request.payoutId} was already sent to ${request.provider}; it can no longer be cancelled`,
          );
        }
      },
    },
  );
  setHandler(cardBindingFinishedSignal, (outcome) => {
    bindingOutcome = outcome;
  });
  setHandler(awaitOutcomeUpdate, async () => {
    await condition(() => view.outcome !== undefined);
    return view.outcome as PayoutOutcome;
  });
  /** The provider's answer to the payout's own lookup; a lookup that keeps failing is no answer. */
  const lookUpForSettlement = async (): Promise<ProviderStatus> => {
    try {
      return await lookups.getPayoutStatus({
        provider: request.provider,
        payoutId: request.payoutId,
        idempotencyKey,
        ...(view.reference ? { reference: view.reference } : {}),
      });
    } catch (error) {
      return { state: 'unknown', reason: `status lookup failed: ${String(error)}` };
    }
  };
  setHandler(
    settlePayoutUpdate,
    async (settle: SettleRequest): Promise<SettleResult> => {
      // The update carries no trusted answer: the payout asks its provider. Histories from before this rule
      // settled on the status the update carried.
      const asksProvider = patched('settle-asks-provider');
      const status = asksProvider ? await lookUpForSettlement() : (settle.status as ProviderStatus);
      const evidence = describe(status);
      if (view.status !== 'needs_review') {
        // Settled meanwhile (another update, a late callback) while this one looked up.
        return { result: 'unchanged', status: view.status, reason: 'no longer in review', evidence };
      }
      const decision = asksProvider
        ? decideSettlement(view.reviewKind, status, request)
        : decideSettlement(view.reviewKind, status);
      if (status.reference && !view.reference) view.reference = status.reference;
      record({
        eventId: `reconciliation:${settle.by}`,
        source: 'reconciliation',
        ...evidence,
        effect:
          decision.kind === 'settled' ? 'applied' : decision.kind === 'contradiction' ? 'contradiction' : 'recorded',
      });
      if (decision.kind === 'contradiction' && asksProvider && view.reviewKind === 'outcome_unknown') {
        // A definite answer that disagrees with what we sent: a person decides, reconciliation no longer settles it.
        view.reviewKind = 'contradiction';
        view.reviewReason = decision.reason;
      }
      if (decision.kind !== 'settled') {
        return { result: decision.kind, status: view.status, reason: decision.reason, evidence };
      }
      const { code: _code, message: _message, failureClass: _class, ...unknownOutcome } = view.outcome as PayoutOutcome;
      const outcome: PayoutOutcome = {
        ...unknownOutcome,
        status: decision.status,
        ...(view.reference ? { reference: view.reference } : {}),
        ...(decision.status === 'declined'
          ? { code: decision.code, message: decision.message, failureClass: 'declined' as const }
          : { message: `settled by reconciliation: ${request.provider} reports it succeeded` }),
        finishedAt: new Date().toISOString(),
      };
      view.outcome = outcome;
      view.settlement = { by: settle.by, at: outcome.finishedAt };
      setStatus(outcome.status, `settled by ${settle.by}`);
      notifyMerchant(outcome, settle.by);
      reviseBatch(outcome);
      return { result: 'settled', status: outcome.status, ...(asksProvider ? { evidence } : {}) };
    },
    {
      validator: (_evidence: SettleRequest) => {
        if (view.status !== 'needs_review') {
          throw new Error(`payout ${request.payoutId} is ${view.status}, not in review: nothing to settle`);
        }
      },
    },
  );

  // The client and the batch start a payout with its search attributes set (batch-child-options.ts): writing
  // them again costs two visibility writes per payout. Histories from before 'prepare-payout' wrote them.
  const preparedByWorker = patched('prepare-payout');
  if (preparedByWorker && workflowInfo().typedSearchAttributes.get(payoutStatusSearchAttribute) !== undefined) {
    setCurrentDetails(`**validating**: ${payoutSummary(request)}`);
  } else {
    upsertSearchAttributes([
      { key: payoutProviderSearchAttribute, value: request.provider },
      { key: payoutCurrencySearchAttribute, value: request.currency },
      { key: payoutAmountSearchAttribute, value: request.amount },
      ...(request.batchId ? [{ key: batchIdSearchAttribute, value: request.batchId }] : []),
    ]);
    setStatus('validating', payoutSummary(request));
  }

  /** Applies one provider status (from a callback, a poll or the submission answer). */
  const apply = (
    status: ProviderStatus,
    source: RecordedEvent['source'],
    eventId: string,
    event?: ProviderEvent,
  ): Decision => {
    const otherKey = event !== undefined && event.idempotencyKey !== idempotencyKey;
    // Another attempt's reference is not ours: the key is checked first. Histories from before copied it.
    const adopted = adoptReference(view.reference, status.reference, !otherKey);
    if (adopted !== view.reference) view.reference = adopted;
    // patched() asked for every other key's event (not only when a copy would happen), so histories record it.
    else if (otherKey && !patched('check-event-key-first') && status.reference && !view.reference) {
      view.reference = status.reference;
    }
    if (event && otherKey) {
      // An earlier attempt was declined before this one began; news that it paid after all needs a person.
      const contradicts = status.state === 'succeeded';
      record({ eventId, source, ...describe(status), effect: contradicts ? 'contradiction' : 'recorded' });
      if (contradicts) review(`attempt with key ${event.idempotencyKey} reported succeeded after it had been declined`);
      return { kind: 'ignore' };
    }
    const sent = { amount: request.amount, currency: request.currency, maskedCard: view.maskedCard };
    let decision = view.outcome ? decideClosed(status, view.outcome.status) : decideOpen(status, sent, event?.amount);
    // A status for another amount or card sends the payout to review whatever its state; histories from
    // before this check decided on the state alone.
    if (decision.kind === 'review' && !view.outcome) {
      const unchecked = decideOpen(withoutReport(status), sent, event?.amount);
      if (unchecked.kind !== 'review' && !patched('verify-provider-claims')) decision = unchecked;
    }
    // Some providers' callbacks carry only part of a decline's reason (RBKmoney's webhook has no failure
    // details): the status lookup has it all. Histories from before this rule finish at once.
    if (decision.kind === 'finish' && decision.status === 'declined' && source === 'callback') {
      if (patched('confirm-callback-declines'))
        decision = {
          kind: 'confirm',
          code: decision.code ?? '',
          message: decision.message ?? '',
          ...(decision.failureClass ? { failureClass: decision.failureClass } : {}),
        };
    }
    record({
      eventId,
      source,
      ...describe(status),
      effect:
        decision.kind === 'review'
          ? 'contradiction'
          : decision.kind === 'ignore' || decision.kind === 'wait' || decision.kind === 'confirm'
            ? 'recorded'
            : 'applied',
    });
    if (decision.kind === 'finish') {
      finish(
        decision.status,
        decision.status === 'declined'
          ? { code: decision.code, message: decision.message, failureClass: declineClass(decision.failureClass) }
          : {},
      );
    } else if (decision.kind === 'review') {
      review(decision.reason);
    }
    return decision;
  };

  const drainInbox = (): Decision[] => {
    const decisions: Decision[] = [];
    for (const event of inbox.splice(0)) {
      if (seenEventIds.has(event.eventId)) {
        // A few copies show a replay happened; more would only grow the query's answer.
        const copies = (duplicateCopies.get(event.eventId) ?? 0) + 1;
        duplicateCopies.set(event.eventId, copies);
        if (copies <= maxRecordedDuplicates) {
          record({ eventId: event.eventId, source: 'callback', ...describe(event.status), effect: 'duplicate' });
        }
        continue;
      }
      seenEventIds.add(event.eventId);
      decisions.push(apply(event.status, 'callback', event.eventId, event));
    }
    return decisions;
  };

  const clarify = async (fields: string[]) => {
    const key = [...fields].sort().join(',');
    if (answeredClarifications.has(key)) return;
    answeredClarifications.add(key);
    setStatus('awaiting_clarification', `provider asked for ${fields.join(', ')}`);
    try {
      await lookups.answerClarification({ request, idempotencyKey, fields });
      setStatus('submitted', `clarification answered (${fields.join(', ')})`);
    } catch (error) {
      const failure = applicationFailure(error);
      if (failure?.type === failureTypes.declined) {
        if (patched('clarification-waits-for-window')) {
          // Declining now would let a merchant pay again while the provider may still complete this one: the
          // request stays open until the provider's window has passed, then the provider's status decides.
          clarificationClosesAt = Date.now() + timings.clarificationWindowMs;
          setStatus('awaiting_clarification', `${failure.message}; waiting for ${request.provider} to close it`);
        } else {
          finish('declined', { code: 'clarification_unavailable', message: failure.message, failureClass: 'declined' });
        }
      } else {
        // The provider declines by itself when its window closes; until then the payout keeps waiting.
        log.warn('clarification answer failed', { payoutId: request.payoutId, error: String(error) });
      }
    }
  };

  /** RBKmoney pays to a bound card: join (or start) the card's DestinationWorkflow and wait for its outcome. */
  const bindCard = async (card: PanCard): Promise<BindingOutcome | undefined> => {
    const ask = () =>
      binding.requestCardBinding({ payoutWorkflowId: workflowInfo().workflowId, card, currency: request.currency });
    let state = await ask();
    while (state.state === 'binding') {
      // No news for a long while: ask again; a binding that ended meanwhile answers at once.
      await condition(() => bindingOutcome !== undefined || cancelReason !== undefined, '15 minutes');
      if (cancelReason !== undefined) return undefined;
      state = bindingOutcome ?? (await ask());
    }
    return state;
  };

  // ---- before submission: cancellable ----
  let destinationId: string | undefined;
  try {
    // Histories from before preparePayout validated only, and always offered notifications.
    const { problems, merchantNotifications: notify } = preparedByWorker
      ? await validation.preparePayout(request)
      : { problems: await validation.validatePayout(request), merchantNotifications: true };
    merchantNotifications = notify;
    if (problems.length > 0) {
      return await closeAfterLateWindow(
        finish('rejected', { problems, message: `${problems.length} problem(s): nothing was sent` }),
      );
    }
    if (request.notBefore) {
      const waitMs = Date.parse(request.notBefore) - Date.now();
      if (waitMs > 0) {
        setStatus('scheduled', `waiting until ${request.notBefore}`);
        await condition(() => cancelReason !== undefined, waitMs);
      }
    }
    if (request.provider === 'rbkmoney' && isPanCard(request.card) && cancelReason === undefined) {
      setStatus('binding_card', `binding ${view.maskedCard} at rbkmoney`);
      try {
        const bound = await bindCard(request.card);
        if (bound?.state === 'failed') {
          return await closeAfterLateWindow(
            finish('declined', { code: 'card_binding_failed', message: bound.reason, failureClass: 'declined' }),
          );
        }
        destinationId = bound?.destinationId;
      } catch (error) {
        const failure = applicationFailure(error);
        const failureClass = failure?.type ? failureClassOf[failure.type] : undefined;
        if (!failure || !failureClass) {
          // A failure nobody classified (the binding timing out, say): the payout still ends, in review.
          if (isCancellation(error) || !patched('outcome-for-every-failure')) throw error;
          return await closeAfterLateWindow(unclassifiedFailure(error, 'binding the card'));
        }
        return await closeAfterLateWindow(
          finish('declined', {
            code: providerCode(failure) ?? 'card_binding_failed',
            message: failure.message,
            failureClass,
          }),
        );
      }
    }
  } catch (error) {
    if (!isCancellation(error)) {
      // Nothing was sent: a provider this worker cannot pay through is rejected (systemic, so a batch's
      // breaker counts it); anything else ends in review with the error. Never a payout without an outcome.
      if (!patched('outcome-for-every-failure')) throw error;
      const failure = applicationFailure(error);
      if (failure?.type === failureTypes.systemic && providerCode(failure) === 'config') {
        return await closeAfterLateWindow(
          finish('rejected', { code: 'provider_not_configured', message: failure.message, failureClass: 'systemic' }),
        );
      }
      return await closeAfterLateWindow(unclassifiedFailure(error, 'preparing the payout'));
    }
    cancelReason ??= 'workflow cancelled';
  }
  if (cancelReason !== undefined) {
    return await closeAfterLateWindow(finish('cancelled', { message: cancelReason }));
  }

  // ---- from here on money may move: nothing may abandon the payout ----
  submissionStarted = true;
  return await CancellationScope.nonCancellable(async () => {
    setStatus('submitting', payoutSummary(request));
    let submitted: SubmitResult | undefined;
    try {
      submitted = await submission.submitPayout({
        request,
        idempotencyKey,
        ...(destinationId ? { destinationId } : {}),
      });
    } catch (error) {
      const failure = applicationFailure(error);
      const failureClass = failure?.type ? failureClassOf[failure.type] : undefined;
      if (failure?.type === failureTypes.unclassified) {
        // A code the provider's table does not hold: whether anything was registered is not known, so never a
        // decline; reconciliation may settle it from the provider's status later.
        view.reviewKind = 'outcome_unknown';
        finish('needs_review', { code: providerCode(failure), message: failure.message });
      } else if (failure && failureClass === 'idempotency_conflict') {
        review(
          `idempotency key ${idempotencyKey} is taken by a different object at ${request.provider}: ${failure.message}`,
        );
      } else if (failure && failureClass) {
        finish('declined', {
          code: providerCode(failure) ?? failure.type ?? undefined,
          message: failure.message,
          failureClass,
        });
      } else {
        // Retries ran out with the outcome unknown: the request may have arrived, so learn it, never resend blindly.
        log.warn('submission outcome unknown; polling the provider', { payoutId: request.payoutId });
      }
    }
    const submittedAt = Date.now();
    view.submittedAt = new Date(submittedAt).toISOString();
    if (submitted?.reference) view.reference = submitted.reference;
    // "Already exists" is a claim: read the provider's record and compare it with ours before waiting on it.
    if (submitted?.outcome === 'duplicate' && !view.outcome && patched('verify-duplicates')) await poll();
    if (!view.outcome) {
      const how =
        submitted?.outcome === 'duplicate' ? 'provider already had it' : submitted ? 'accepted' : 'answer unknown';
      setStatus('submitted', `${how}; waiting for the outcome`);
      await learnOutcome(submittedAt);
    }
    return await closeAfterLateWindow(view.outcome as PayoutOutcome);
  });

  async function learnOutcome(submittedAt: number): Promise<void> {
    const deadline = submittedAt + timings.outcomeDeadlineMs;
    let interval: number | undefined;
    let nextPollAt = submittedAt + timings.firstPollAfterMs;
    while (!view.outcome) {
      for (const decision of drainInbox()) {
        if (decision.kind === 'clarify') await clarify(decision.fields);
        if (decision.kind === 'confirm' && !view.outcome) {
          await poll();
          // The lookup may say more (a fuller code) or nothing new; the signed callback's decline stands.
          if (!view.outcome)
            finish('declined', {
              code: decision.code,
              message: decision.message,
              failureClass: declineClass(decision.failureClass),
            });
        }
      }
      if (view.outcome) return;
      const now = Date.now();
      if (now >= deadline) {
        view.reviewKind = 'outcome_unknown';
        finish('needs_review', {
          message: `no outcome from ${request.provider} within ${formatDuration(timings.outcomeDeadlineMs)} of submission`,
        });
        return;
      }
      if (clarificationClosesAt !== undefined && now >= clarificationClosesAt) {
        // The provider's clarification window has passed: its status now says how the payment ended.
        clarificationClosesAt = undefined;
        const decision = await poll();
        if (decision?.kind === 'clarify') await clarify(decision.fields);
        continue;
      }
      if (now >= nextPollAt) {
        const decision = await poll();
        if (decision?.kind === 'clarify') await clarify(decision.fields);
        interval = nextPollDelay(interval, timings.firstPollAfterMs, timings.maxPollIntervalMs);
        nextPollAt = Date.now() + interval;
        continue;
      }
      await condition(() => inbox.length > 0, Math.min(nextPollAt, deadline, clarificationClosesAt ?? deadline) - now);
    }
  }

  async function poll(): Promise<Decision | undefined> {
    try {
      const status = await lookups.getPayoutStatus({
        provider: request.provider,
        payoutId: request.payoutId,
        idempotencyKey,
        ...(view.reference ? { reference: view.reference } : {}),
      });
      return apply(status, 'poll', `poll:${view.events.length}`);
    } catch (error) {
      log.warn('status lookup failed; will poll again', { payoutId: request.payoutId, error: String(error) });
      return undefined;
    }
  }

  /** Keeps listening for late callbacks, then returns the (possibly reviewed) outcome. */
  async function closeAfterLateWindow(outcome: PayoutOutcome): Promise<PayoutOutcome> {
    const closeAt = Date.now() + timings.lateEventWindowMs;
    try {
      for (;;) {
        drainInbox();
        const remaining = closeAt - Date.now();
        if (remaining <= 0 || !(await condition(() => inbox.length > 0, remaining))) break;
      }
    } catch (error) {
      // Cancelling a finished payout only stops the listening; its outcome stands.
      if (!isCancellation(error)) throw error;
    }
    drainInbox();
    await awaitSettlement();
    await parentNotified;
    await Promise.all(notifications);
    await condition(allHandlersFinished);
    return view.outcome ?? outcome;
  }

  /**
   * An unknown outcome stays open (late callbacks still recorded) until reconciliation settles it, a month
   * passes, or an operator cancels the workflow; then it closes in review.
   */
  async function awaitSettlement(): Promise<void> {
    if (view.status !== 'needs_review' || view.reviewKind !== 'outcome_unknown') return;
    if (!patched('needs-review-awaits-settlement')) return;
    const closeAt = Date.now() + timings.settlementWindowMs;
    // The payout runs in a non-cancellable scope from submission on; a cancel request still ends this wait.
    let cancelRequested = false;
    CancellationScope.current().cancelRequested.catch(() => {
      cancelRequested = true;
    });
    while (view.status === 'needs_review' && !cancelRequested && Date.now() < closeAt) {
      await condition(
        () => inbox.length > 0 || view.status !== 'needs_review' || cancelRequested,
        closeAt - Date.now(),
      );
      drainInbox();
    }
  }
}
