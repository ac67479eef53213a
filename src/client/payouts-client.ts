/**
 * PayoutsClient: how backend services (and the `payouts` CLI) start and follow payouts and batches. It
 * validates before anything starts, makes every submission idempotent by id, and turns Temporal's errors
 * into the typed errors of ./errors.ts. It pulls in no worker code.
 */
import {
  Client,
  Connection,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type ConnectionOptions,
} from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { payoutsDataConverter } from '../codec/data-converter.js';
import { codecFromEnvironment } from '../codec/from-config.js';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import type { PayoutRequest, PayoutRequestInput, ProviderName } from '../domain/payout-request.js';
import { cardFingerprintKeyFromEnv } from '../config.js';
import { payoutSearchAttributePairs, requestIdentityMemoKey } from './definitions.js';
import {
  approveBatchUpdate,
  type BatchProgress,
  batchProgressQuery,
  type BatchResult,
  batchWorkflowId,
  cancelBatchUpdate,
  pauseBatchUpdate,
  rejectBatchUpdate,
  resumeBatchUpdate,
} from './definitions.js';
import {
  awaitOutcomeUpdate,
  cancelPayoutUpdate,
  payoutAttemptWorkflowId,
  payoutStatusQuery,
  type PayoutView,
  type PayoutWorkflow,
  type PayoutWorkflowInput,
  payoutWorkflowId,
  workflowTypes,
} from './definitions.js';
import {
  type BatchListEntry,
  type BatchListFilter,
  listBatches,
  listPayouts,
  type PayoutListEntry,
  type PayoutListFilter,
} from './listing.js';
import { payoutSummary } from '../domain/payout-summary.js';
import { retryDeclined, type RetryDeclinedOptions, type RetryDeclinedStart } from './batch-retry.js';
import { type BatchSubmission, submitBatch, type SubmitBatchInput } from './batch-submission.js';
import {
  BatchNotFoundError,
  BatchStateError,
  OutcomeTimeoutError,
  PayoutConflictError,
  PayoutNotCancellableError,
  PayoutNotFoundError,
  PayoutValidationError,
} from './errors.js';
import { type PayoutValidator, providerValidator } from './provider-validation.js';
import { reportText, withPageRevisions } from '../shared/batch-report-reader.js';
import { compareIdentity, requestIdentity } from '../domain/request-identity.js';
import { checkPayoutRequest } from './validation.js';
import { operatorIdentity } from './operator-identity.js';
import { runReconciliation } from './reconciliation.js';
import type { ReconciliationInput, ReconciliationResult } from '../workflows/reconciliation/definitions.js';
import { earlierAttempts, latestAttempt, type PayoutAttemptsView } from './payout-attempts.js';

export type { BatchSubmission, SubmitBatchInput } from './batch-submission.js';
export type { RetryDeclinedOptions, RetryDeclinedStart } from './batch-retry.js';
export type { AttemptSummary, PayoutAttemptsView } from './payout-attempts.js';
export { workflowTypes } from './definitions.js';
export type { BatchListEntry, BatchListFilter, PayoutListEntry, PayoutListFilter } from './listing.js';

/** Why a resubmission under a taken payoutId is refused. */
const conflictReasons = {
  different: 'its request identity differs',
  none: 'the existing payout carries no request identity',
  legacy: 'it was started before request identities were keyed and cannot be compared: check it by hand',
} as const;

export interface PayoutsClientOptions {
  client: Client;
  /** The workers' task queue (PAYOUTS_TASK_QUEUE); `payouts` by default. */
  taskQueue?: string;
  /**
   * The providers' pre-flight rules; the built-in ones (provider-validation.ts) by default. Pass `false` to
   * check the schema only (the worker still applies the provider's rules and rejects what breaks them).
   */
  validate?: PayoutValidator | false;
  /** Single payouts of a provider start on this task queue (see BatchOptions.providerTaskQueues). */
  providerTaskQueues?: Partial<Record<ProviderName, string>>;
  /**
   * Four-eyes: a batch whose total in a currency is above that currency's threshold (minor units) pays nothing
   * until someone other than its submitter approves it (BATCH_APPROVAL_THRESHOLDS). None by default.
   */
  approvalThresholds?: Readonly<Record<string, number>>;
  /**
   * CARD_FINGERPRINT_KEY, the workers' value: it keys the request identity kept in each payout's memo. Read from
   * the environment by default (beside `npm start` in development, the key it wrote under DATA_DIR); never a stand-in.
   */
  cardFingerprintKey?: string;
}

export interface PayoutSubmission {
  payoutId: string;
  workflowId: string;
  /** False when a payout with this payoutId and the same request existed already. */
  created: boolean;
}

export class PayoutsClient {
  readonly temporal: Client;
  readonly taskQueue: string;
  private readonly validate: PayoutValidator | undefined;
  private readonly providerTaskQueues: Partial<Record<ProviderName, string>>;
  private readonly approvalThresholds: Readonly<Record<string, number>>;
  private readonly cardKey: string;

  constructor(options: PayoutsClientOptions) {
    this.temporal = options.client;
    this.taskQueue = options.taskQueue ?? 'payouts';
    this.validate = options.validate === false ? undefined : (options.validate ?? providerValidator());
    this.providerTaskQueues = options.providerTaskQueues ?? {};
    this.approvalThresholds = options.approvalThresholds ?? {};
    this.cardKey = options.cardFingerprintKey ?? cardFingerprintKeyFromEnv();
  }

  /**
   * Connects to Temporal and returns a client; `close()` it when done. Payloads are encrypted with the payouts
   * codec of the environment unless `dataConverter` says otherwise.
   * @example
   * const payouts = await PayoutsClient.connect({ address: 'localhost:7233' });
   * const { payoutId } = await payouts.submitPayout(request);
   * const outcome = await payouts.waitForOutcome(payoutId, 60_000);
   */
  static async connect(
    options: {
      address?: string;
      namespace?: string;
      /**
       * The payload codec's data converter. By default the payouts codec from the environment (CODEC_KEYS;
       * in development the key `npm start` made under DATA_DIR): workers refuse what it did not encrypt.
       */
      dataConverter?: DataConverter;
      /** TLS, mTLS or an API key (Temporal Cloud); see temporalConnectionOptions in src/temporal-connection.ts. */
      connection?: Omit<ConnectionOptions, 'address'>;
      /**
       * The Temporal client identity, recorded in history with every start and update: a batch's submitter and
       * approver are these identities. `<operator>@<host>` by default (operator below).
       */
      identity?: string;
      /** Who acts through this client, for the default identity; PAYOUTS_OPERATOR, else the OS user, by default. */
      operator?: string;
    } & Omit<PayoutsClientOptions, 'client'> = {},
  ): Promise<PayoutsClient> {
    const connection = await Connection.connect({
      ...options.connection,
      address: options.address ?? 'localhost:7233',
    });
    const client = new Client({
      connection,
      namespace: options.namespace ?? 'default',
      dataConverter: options.dataConverter ?? payoutsDataConverter(await codecFromEnvironment()),
      identity: options.identity ?? operatorIdentity(options.operator),
    });
    return new PayoutsClient({ ...options, client });
  }

  /** This client's Temporal identity: the one workers record as a batch's submitter or approver. */
  get identity(): string {
    return this.temporal.options.identity;
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }

  // ---- single payouts ----

  /**
   * Validates and starts a payout. Idempotent: the same request under the same payoutId returns the existing
   * payout (`created: false`); a different request under it throws PayoutConflictError.
   */
  async submitPayout(input: PayoutRequestInput): Promise<PayoutSubmission> {
    const { request, identity } = this.checked(input);
    const start = this.startOptions(request, identity);
    try {
      await this.temporal.workflow.start<PayoutWorkflow>(workflowTypes.payout, start);
      return { payoutId: request.payoutId, workflowId: start.workflowId, created: true };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const existing = await this.temporal.workflow.getHandle(start.workflowId).describe();
    const comparison = compareIdentity(existing.memo, requestIdentityMemoKey, identity);
    if (comparison !== 'same') throw new PayoutConflictError(request.payoutId, conflictReasons[comparison]);
    return { payoutId: request.payoutId, workflowId: start.workflowId, created: false };
  }

  /**
   * Validates, starts the payout and waits up to `timeoutMs` for its outcome in one round trip: the
   * `awaitOutcome` update sent with the start (update-with-start). Idempotent like submitPayout: a running
   * payout under this payoutId is joined (and refused with PayoutConflictError when its amount, currency or
   * provider differ), a finished one answers with its outcome. Throws OutcomeTimeoutError when none comes in time.
   * @example
   * const outcome = await payouts.submitAndWait(request, 60_000);
   * if (outcome.status !== 'succeeded') console.log(outcome.code, outcome.message);
   */
  async submitAndWait(input: PayoutRequestInput, timeoutMs = 60_000): Promise<PayoutOutcome> {
    const { request, identity } = this.checked(input);
    const startWorkflowOperation = new WithStartWorkflowOperation<PayoutWorkflow>(workflowTypes.payout, {
      ...this.startOptions(request, identity),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let outcome: PayoutOutcome;
    try {
      outcome = await this.temporal.withAbortSignal(abort.signal, () =>
        this.temporal.workflow.executeUpdateWithStart(awaitOutcomeUpdate, { startWorkflowOperation }),
      );
    } catch (error) {
      if (abort.signal.aborted) throw new OutcomeTimeoutError(request.payoutId, timeoutMs);
      // A payout whose workflow has closed cannot be started again: its identity is checked, then its result read.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      await this.submitPayout(request);
      return this.waitForOutcome(request.payoutId, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    const differs = (['amount', 'currency', 'provider'] as const).filter((field) => outcome[field] !== request[field]);
    if (differs.length > 0) throw new PayoutConflictError(request.payoutId, `its ${differs.join(', ')} differ`);
    return outcome;
  }

  /** The request checked (schema and provider rules) and its keyed identity; throws PayoutValidationError. */
  private checked(input: PayoutRequestInput): { request: PayoutRequest; identity: string } {
    const checked = checkPayoutRequest(input, this.validate);
    if (!checked.ok) throw new PayoutValidationError(idOf(input), checked.problems);
    return { request: checked.request, identity: requestIdentity(checked.request, this.cardKey) };
  }

  /** How every payout starts: its id, queue, memo, summary and search attributes. */
  private startOptions(request: PayoutRequest, identity: string) {
    return {
      workflowId: payoutWorkflowId(request.payoutId),
      taskQueue: this.providerTaskQueues[request.provider] ?? this.taskQueue,
      args: [{ request }] as [PayoutWorkflowInput],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      memo: { [requestIdentityMemoKey]: identity },
      staticSummary: payoutSummary(request),
      typedSearchAttributes: payoutSearchAttributePairs(request),
    };
  }

  /** Payouts by status, batch, provider and start time, newest first (visibility: the search attributes). */
  async listPayouts(filter: PayoutListFilter = {}): Promise<PayoutListEntry[]> {
    return listPayouts(this.temporal, filter);
  }

  /** Batches by execution status, batchId and start time. */
  async listBatches(filter: BatchListFilter = {}): Promise<BatchListEntry[]> {
    return listBatches(this.temporal, filter);
  }

  /**
   * Where a payout stands: status, provider reference, events, outcome once known. For a payout a batch
   * retried (`payout-<payoutId>.a<n>`), the latest attempt, with the earlier ones in `earlierAttempts`.
   */
  async getPayout(payoutId: string): Promise<PayoutAttemptsView> {
    const view = await this.onPayout(payoutId, (handle) => handle.query(payoutStatusQuery));
    const earlier = view.attempt > 1 ? await earlierAttempts(this.temporal, payoutId, view.attempt) : [];
    return { ...view, earlierAttempts: earlier };
  }

  /** Cancels a payout not yet sent to its provider; resolves with its (cancelled) view. */
  async cancelPayout(payoutId: string, reason?: string): Promise<PayoutView> {
    return this.onPayout(payoutId, async (handle) => {
      try {
        return await handle.executeUpdate(cancelPayoutUpdate, { args: [reason ? { reason } : {}] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          throw new PayoutNotCancellableError(payoutId, error.cause?.message ?? error.message);
        }
        if (await this.isClosed(handle)) throw new PayoutNotCancellableError(payoutId, 'it has ended');
        throw error;
      }
    });
  }

  /**
   * The payout's outcome, waiting up to `timeoutMs` for it (the `awaitOutcome` update); for a payout whose
   * workflow has closed, its result. Throws OutcomeTimeoutError when none comes in time. A retried payout's
   * latest attempt is waited for.
   */
  async waitForOutcome(payoutId: string, timeoutMs = 60_000): Promise<PayoutOutcome> {
    return this.onPayout(payoutId, async (handle) => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        return await this.temporal.withAbortSignal(abort.signal, () => handle.executeUpdate(awaitOutcomeUpdate));
      } catch (error) {
        if (abort.signal.aborted) throw new OutcomeTimeoutError(payoutId, timeoutMs);
        // An update to a closed workflow fails as "not found"; describe() tells closed from missing.
        if (await this.isClosed(handle)) return (await handle.result()) as PayoutOutcome;
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  // ---- batches ----

  /**
   * Validates every item (all problems at once, nothing started when any), stores the items in page
   * workflows and starts the batch. Idempotent by batchId: the same items (and notBefore) return the existing
   * batch, which keeps its first options; different items throw BatchConflictError.
   */
  async submitBatch(input: SubmitBatchInput): Promise<BatchSubmission> {
    // A batch pays its items on the providers' own task queues unless its options say otherwise.
    const providerTaskQueues = input.options?.providerTaskQueues ?? this.providerTaskQueues;
    const withQueues =
      Object.keys(providerTaskQueues).length > 0
        ? { ...input, options: { ...input.options, providerTaskQueues } }
        : input;
    return submitBatch(
      {
        temporal: this.temporal,
        taskQueue: this.taskQueue,
        validate: this.validate,
        approvalThresholds: this.approvalThresholds,
        cardKey: this.cardKey,
      },
      withQueues,
    );
  }

  /** Progress: counts per final status, amounts paid per currency, in flight, remaining, paused or cancelled and why. */
  async getBatch(batchId: string): Promise<BatchProgress> {
    return this.onBatch(batchId, async (handle) => {
      const progress = await handle.query(batchProgressQuery);
      // Once closed, the batch hears no more; its items' later settlements and contradictions are at its pages.
      if (progress.state !== 'completed') return progress;
      return withPageRevisions(this.temporal, batchId, progress.pageCount, progress);
    });
  }

  /** Stops starting payouts; those in flight finish. */
  async pauseBatch(batchId: string, reason?: string): Promise<BatchProgress> {
    return this.controlBatch(batchId, (handle) =>
      handle.executeUpdate(pauseBatchUpdate, { args: [reason ? { reason } : {}] }),
    );
  }

  /** Starts payouts again (also after the circuit breaker paused the batch); the reason shows in `resumed`. */
  async resumeBatch(batchId: string, reason?: string): Promise<BatchProgress> {
    return this.controlBatch(batchId, (handle) =>
      handle.executeUpdate(resumeBatchUpdate, { args: [reason ? { reason } : {}] }),
    );
  }

  /** Starts nothing more and cancels payouts not yet sent; the batch then finishes with its report. */
  async cancelBatch(batchId: string, reason?: string): Promise<BatchProgress> {
    return this.controlBatch(batchId, (handle) =>
      handle.executeUpdate(cancelBatchUpdate, { args: [reason ? { reason } : {}] }),
    );
  }

  /**
   * Approves a batch that waits for approval (four-eyes), so it starts paying. Throws BatchStateError when the
   * approver submitted it, it was already approved or rejected, it needs no approval, or it has ended. The worker
   * names the approver by this client's Temporal identity as history records it; `by` is read only by workers
   * from before that rule.
   * @example
   * await payouts.approveBatch('march-sellers');
   */
  async approveBatch(batchId: string, by: string = this.identity): Promise<BatchProgress> {
    return this.controlBatch(batchId, (handle) => handle.executeUpdate(approveBatchUpdate, { args: [{ by }] }));
  }

  /** Rejects a batch that waits for approval: it ends paying nothing, every item reported with the reason. */
  async rejectBatch(batchId: string, by: string | undefined, reason: string): Promise<BatchProgress> {
    by ??= this.identity;
    return this.controlBatch(batchId, (handle) => handle.executeUpdate(rejectBatchUpdate, { args: [{ by, reason }] }));
  }

  /**
   * Retries the declined items of a finished batch (optionally only those with the given provider codes) in
   * a new execution of `batch-<batchId>` that reports into the same batch: each retried item gets a new
   * attempt (`payout-<payoutId>.a<n>`, its own idempotency key) once the provider confirms the last attempt
   * can no longer pay. Follow it with getBatch / waitForBatch; the report then lists every attempt.
   */
  async retryDeclined(batchId: string, options: RetryDeclinedOptions = {}): Promise<RetryDeclinedStart> {
    return retryDeclined(this.temporal, batchId, options);
  }

  /** Waits for the batch to finish and returns its totals and report location. */
  async waitForBatch(batchId: string): Promise<BatchResult> {
    return this.onBatch(batchId, async (handle) => (await handle.result()) as BatchResult);
  }

  /**
   * The report as CSV (one row per item, cards masked), read from the batch's pages, so it works from any
   * host. Throws BatchStateError while the batch runs, unless `partial` asks for the rows so far.
   */
  async batchReport(batchId: string, options: { partial?: boolean } = {}): Promise<{ csv: string; rows: number }> {
    const progress = await this.getBatch(batchId);
    if (progress.state !== 'completed' && !options.partial) {
      throw new BatchStateError(batchId, `still ${progress.state}; its report is complete once it finishes`);
    }
    return reportText(this.temporal, batchId, progress.pageCount);
  }

  // ---- reconciliation ----

  /**
   * Runs reconciliation once: every open payout in `needs_review` (of one provider, started since a date) is
   * looked up at its provider; a definite answer settles an unknown outcome. Never sends a payout again.
   * @example
   * const { counts, payouts } = await payouts.reconcile({ provider: 'ecommpay' });
   */
  async reconcile(input: ReconciliationInput = {}): Promise<ReconciliationResult> {
    return runReconciliation(this.temporal, this.taskQueue, input);
  }

  // ---- internals ----

  /** False while it runs; throws WorkflowNotFoundError when there is no such workflow at all. */
  private async isClosed(handle: WorkflowHandle): Promise<boolean> {
    const description = await handle.describe();
    return description.status.name !== 'RUNNING';
  }

  /** Runs `work` on the payout's latest attempt (`payout-<payoutId>`, or `payout-<payoutId>.a<n>` after retries). */
  private async onPayout<T>(payoutId: string, work: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
    try {
      const attempt = await latestAttempt(this.temporal, payoutId);
      return await work(this.temporal.workflow.getHandle(payoutAttemptWorkflowId(payoutId, attempt)));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new PayoutNotFoundError(payoutId);
      throw error;
    }
  }

  private async onBatch<T>(batchId: string, work: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
    try {
      return await work(this.temporal.workflow.getHandle(batchWorkflowId(batchId)));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new BatchNotFoundError(batchId);
      throw error;
    }
  }

  private async controlBatch(
    batchId: string,
    update: (handle: WorkflowHandle) => Promise<BatchProgress>,
  ): Promise<BatchProgress> {
    return this.onBatch(batchId, async (handle) => {
      try {
        return await update(handle);
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          throw new BatchStateError(batchId, error.cause?.message ?? error.message);
        }
        if (await this.isClosed(handle)) throw new BatchStateError(batchId, 'it has finished');
        throw error;
      }
    });
  }
}

function idOf(input: unknown): string | undefined {
  const payoutId = (input as { payoutId?: unknown } | null)?.payoutId;
  return typeof payoutId === 'string' ? payoutId : undefined;
}
