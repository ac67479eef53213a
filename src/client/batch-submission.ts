/**
 * Submitting a batch: validate every item, store the items in page workflows, start the batch. Each step is
 * idempotent by id and content hash, so a submission cut short is simply run again.
 */
import os from 'node:os';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { formatMoney } from '../domain/currency.js';
import { payoutIdSchema, type PayoutRequest, type PayoutRequestInput } from '../domain/payout-request.js';
import {
  type BatchItem,
  type BatchOptionsInput,
  batchPageWorkflowId,
  batchWorkflowId,
  type ProviderAmounts,
} from '../workflows/batch/definitions.js';
import { approvalReason } from '../domain/approval-thresholds.js';
import { batchOptionsSchema } from '../workflows/batch/schemas.js';
import { batchIdSearchAttribute } from '../workflows/definitions.js';
import type { PayoutTimings } from '../workflows/definitions.js';
import { planPages } from './batch-pages.js';
import { mapLimit } from '../domain/concurrency.js';
import { BatchConflictError, BatchValidationError, type ItemProblem, PayoutsClientError } from './errors.js';
import type { PayoutValidator } from './provider-validation.js';
import { batchIdentity, batchIdentityMemoKey, compareIdentity } from '../domain/request-identity.js';
import { checkPayoutRequest } from './validation.js';

/**
 * A worker that lost its cache (restart, kill) replays the batch's whole run, thousands of events, in one task;
 * on a busy host that takes longer than the default 10 s, and each time-out evicts and starts the replay over:
 * the batch stalls for good (docs/CHAOS.md). Continue-as-new keeps this timeout.
 */
export const batchWorkflowTaskTimeout = '1 minute';

export interface SubmitBatchInput {
  batchId: string;
  items: readonly PayoutRequestInput[];
  /** Source line of each item, for error messages (the CLI passes the file's). */
  lines?: readonly number[];
  options?: BatchOptionsInput;
  notBefore?: string;
  /** Passed to every child payout (tests, tuning). */
  childTimings?: Partial<PayoutTimings>;
  pageSize?: number;
  /** Who submits: the one person who may not approve the batch. Default: the operating system's user name. */
  submittedBy?: string;
}

export interface BatchSubmission {
  batchId: string;
  workflowId: string;
  itemCount: number;
  pageCount: number;
  /** False when this batch (same items, same notBefore) had been submitted already. */
  created: boolean;
  submittedBy: string;
  /** Set when a currency's total is above its approval threshold: the batch pays nothing until approved. */
  approval?: { reason: string };
}

export interface SubmissionContext {
  temporal: Client;
  taskQueue: string;
  validate: PayoutValidator | undefined;
  /** Minor units per currency above which a batch needs approval (BATCH_APPROVAL_THRESHOLDS). */
  approvalThresholds?: Readonly<Record<string, number>>;
  /** CARD_FINGERPRINT_KEY: keys the items', pages' and batch's identities. */
  cardKey: string;
}

/** Pages started at once. */
const pageStartsAtOnce = 8;
/** The UI shows at most 400 bytes of summary. */
const maxSummaryLength = 200;

export async function submitBatch(ctx: SubmissionContext, input: SubmitBatchInput): Promise<BatchSubmission> {
  const { batchId } = input;
  if (!payoutIdSchema.safeParse(batchId).success) {
    throw new PayoutsClientError(`batchId "${batchId}" must be 1-64 characters of A-Z, a-z, 0-9, "_" and "-"`);
  }
  const options = batchOptionsSchema.safeParse(input.options ?? {});
  if (!options.success) {
    const problems = options.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new PayoutsClientError(`invalid batch options: ${problems.join('; ')}`);
  }
  const requests = validateItems(ctx.validate, input);
  const plan = planPages(requests, ctx.cardKey, input.pageSize);
  // What is paid and when; tuning (concurrency, breaker) may differ on a repeat and keeps the first.
  const hash = batchIdentity(
    plan.pages.flat().map((item) => item.requestIdentity ?? ''),
    { notBefore: input.notBefore },
    ctx.cardKey,
  );
  const workflowId = batchWorkflowId(batchId);
  const totals = batchTotals(plan.pages.flat());
  const reason = approvalReason(totals, ctx.approvalThresholds ?? {});
  const submittedBy = input.submittedBy?.trim() || defaultSubmitter();
  const submission = {
    batchId,
    workflowId,
    itemCount: requests.length,
    pageCount: plan.pages.length,
    submittedBy,
    ...(reason ? { approval: { reason } } : {}),
  };
  if (await sameBatchExists(ctx.temporal, batchId, hash)) return { ...submission, created: false };

  await mapLimit(plan.pages, pageStartsAtOnce, async (items, page) => {
    const pageHash = batchIdentity(
      items.map((item) => item.requestIdentity ?? ''),
      { page },
      ctx.cardKey,
    );
    await startOnce(ctx.temporal, batchId, batchPageWorkflowId(batchId, page), pageHash, () =>
      ctx.temporal.workflow.start('BatchPageWorkflow', {
        workflowId: batchPageWorkflowId(batchId, page),
        taskQueue: ctx.taskQueue,
        args: [{ batchId, page, items }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        memo: { [batchIdentityMemoKey]: pageHash },
        staticSummary: `page ${page + 1} of ${plan.pages.length} of batch ${batchId}: ${items.length} items`,
        typedSearchAttributes: [{ key: batchIdSearchAttribute, value: batchId }],
      }),
    );
  });
  const created = await startOnce(ctx.temporal, batchId, workflowId, hash, () =>
    ctx.temporal.workflow.start('BatchWorkflow', {
      workflowId,
      taskQueue: ctx.taskQueue,
      args: [
        {
          batchId,
          source: { itemCount: requests.length, pageSize: plan.pageSize, pageCount: plan.pages.length },
          ...(input.options ? { options: input.options } : {}),
          ...(input.notBefore ? { notBefore: input.notBefore } : {}),
          ...(input.childTimings ? { childTimings: input.childTimings } : {}),
          submittedBy,
          ...(reason ? { approval: { reason } } : {}),
          totals,
        },
      ],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowTaskTimeout: batchWorkflowTaskTimeout,
      memo: { [batchIdentityMemoKey]: hash },
      staticSummary: batchSummary(batchId, requests),
      typedSearchAttributes: [{ key: batchIdSearchAttribute, value: batchId }],
    }),
  );
  return { ...submission, created };
}

/** Every item checked; all problems at once, so a file is fixed in one pass. */
function validateItems(validate: PayoutValidator | undefined, input: SubmitBatchInput): PayoutRequest[] {
  if (input.items.length === 0) {
    throw new BatchValidationError([{ item: 0, path: '', reason: 'the batch has no items' }]);
  }
  const problems: ItemProblem[] = [];
  const requests: PayoutRequest[] = [];
  input.items.forEach((item, index) => {
    const line = input.lines?.[index];
    const payoutId = typeof item.payoutId === 'string' ? item.payoutId : undefined;
    const where = { item: index + 1, ...(line !== undefined ? { line } : {}), ...(payoutId ? { payoutId } : {}) };
    if (item.batchId !== undefined && item.batchId !== input.batchId) {
      problems.push({ ...where, path: 'batchId', reason: `belongs to batch ${item.batchId}, not ${input.batchId}` });
      return;
    }
    const checked = checkPayoutRequest({ ...item, batchId: input.batchId }, validate);
    if (checked.ok) requests.push(checked.request);
    else problems.push(...checked.problems.map((problem) => ({ ...where, ...problem })));
  });
  if (problems.length > 0) throw new BatchValidationError(problems);
  return requests;
}

async function sameBatchExists(temporal: Client, batchId: string, hash: string): Promise<boolean> {
  try {
    const existing = await temporal.workflow.getHandle(batchWorkflowId(batchId)).describe();
    if (compareIdentity(existing.memo, batchIdentityMemoKey, hash) !== 'same') throw new BatchConflictError(batchId);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Starts a batch's workflow unless one with this id and content identity exists; true when this call started it. */
async function startOnce(
  temporal: Client,
  batchId: string,
  workflowId: string,
  hash: string,
  start: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await start();
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  const existing = await temporal.workflow.getHandle(workflowId).describe();
  if (compareIdentity(existing.memo, batchIdentityMemoKey, hash) !== 'same') throw new BatchConflictError(batchId);
  return false;
}

/** What the batch pays per provider and currency; repeats inside it (never paid) left out. */
export function batchTotals(items: readonly BatchItem[]): ProviderAmounts {
  const totals: ProviderAmounts = {};
  for (const { request, duplicateOf } of items) {
    if (duplicateOf !== undefined) continue;
    const perCurrency = (totals[request.provider] ??= {});
    perCurrency[request.currency] = (perCurrency[request.currency] ?? 0) + request.amount;
  }
  return totals;
}

/** The operating system's user name, or "unknown" where there is none (some containers). */
export function defaultSubmitter(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** "batch X: 100 payouts, 1 500.00 RUB + 20.00 USD", short enough for the UI's summary. */
export function batchSummary(batchId: string, requests: readonly PayoutRequest[]): string {
  const totals = new Map<string, number>();
  for (const { currency, amount } of requests) totals.set(currency, (totals.get(currency) ?? 0) + amount);
  const money = [...totals].map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
  const summary = `batch ${batchId}: ${requests.length} payouts, ${money}`;
  return summary.length > maxSummaryLength ? `${summary.slice(0, maxSummaryLength - 1)}…` : summary;
}

/** Re-exported: the client and the worker compute the requirement alike (src/workflows/batch/gates.ts). */
export { approvalReason };
