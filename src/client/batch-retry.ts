/**
 * Retrying a finished batch's declined items: a new execution of `batch-<batchId>` (the earlier ones have
 * closed) whose input says "retry", started with the last run's source and options and the batch's totals.
 * It plans page by page in the worker, which alone may ask the providers (docs/ARCHITECTURE.md, "Retrying
 * declined items"); this side only checks that the batch has finished and has declined items.
 */
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  batchPageWorkflowId,
  type BatchResult,
  batchWorkflowId,
  type BatchWorkflowInput,
  type BatchRetryInput,
} from '../workflows/batch/definitions.js';
import { batchIdSearchAttribute } from '../workflows/definitions.js';
import { batchWorkflowTaskTimeout } from './batch-submission.js';
import { withPageRevisions } from '../shared/batch-report-reader.js';
import { BatchNotFoundError, BatchStateError, PayoutsClientError } from './errors.js';
import { workflowInput } from '../shared/workflow-input.js';

export interface RetryDeclinedOptions {
  /** Only items whose last decline carries one of these provider codes (e.g. `10101`); all when absent. */
  codes?: readonly string[];
}

export type RetryDeclinedStart =
  | {
      started: true;
      batchId: string;
      workflowId: string;
      runId: string;
      /** 1 for the batch's first retry, then 2, ... */
      round: number;
      /** Items declined when the retry began (the retry itself decides which of them it may send again). */
      declined: number;
      codes?: string[];
    }
  | { started: false; batchId: string; reason: string };

/** Codes as typed: trimmed, without blanks or repeats; a code is a provider's token, never free text. */
export function normalizeCodes(codes: readonly string[] | undefined): string[] {
  const cleaned = [...new Set((codes ?? []).map((code) => code.trim()).filter((code) => code !== ''))];
  for (const code of cleaned) {
    if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(code)) throw new PayoutsClientError(`"${code}" is not a provider code`);
  }
  return cleaned;
}

export async function retryDeclined(
  temporal: Client,
  batchId: string,
  options: RetryDeclinedOptions = {},
): Promise<RetryDeclinedStart> {
  const codes = normalizeCodes(options.codes);
  const workflowId = batchWorkflowId(batchId);
  const handle = temporal.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new BatchNotFoundError(batchId);
    throw error;
  }
  const status = description.status.name;
  if (status === 'RUNNING') throw new BatchStateError(batchId, 'it is still running; retry once it has finished');
  if (status !== 'COMPLETED') throw new BatchStateError(batchId, `its last run ended ${status}, without totals`);
  const last = await workflowInput<BatchWorkflowInput>(temporal, workflowId, description.runId);
  // Items settled or contradicted since the batch closed count as they stand now; the retry starts from that.
  const closed = (await handle.result()) as BatchResult;
  const result = await withPageRevisions(temporal, batchId, last.source.pageCount, closed);
  if ((result.counts.declined ?? 0) === 0) return { started: false, batchId, reason: 'it has no declined items' };
  // The retry's rows go to the pages; once they have closed (the report's retention) there is nowhere to put them.
  if (!(await pagesKept(temporal, batchId))) {
    throw new BatchStateError(batchId, 'its report is no longer kept (reportRetentionDays has passed)');
  }

  const retry: BatchRetryInput = {
    round: (last.retry?.round ?? 0) + 1,
    ...(codes.length > 0 ? { codes } : {}),
    counts: result.counts,
    succeededAmounts: result.succeededAmounts,
    runs: result.runs,
  };
  const input: BatchWorkflowInput = {
    batchId,
    source: last.source,
    ...(last.options ? { options: last.options } : {}),
    ...(last.childTimings ? { childTimings: last.childTimings } : {}),
    retry,
  };
  try {
    const started = await temporal.workflow.start('BatchWorkflow', {
      workflowId,
      taskQueue: description.taskQueue,
      args: [input],
      // The batch has closed: its id is used again, by this retry only (a running batch refuses the start).
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      workflowTaskTimeout: batchWorkflowTaskTimeout,
      // The same content hash, so submitting the batch's file again still finds this batch.
      ...(description.memo ? { memo: description.memo } : {}),
      staticSummary: `batch ${batchId}: retry ${retry.round} of ${result.counts.declined} declined item(s)${
        codes.length > 0 ? ` with code ${codes.join(', ')}` : ''
      }`,
      typedSearchAttributes: [{ key: batchIdSearchAttribute, value: batchId }],
    });
    return {
      started: true,
      batchId,
      workflowId,
      runId: started.firstExecutionRunId,
      round: retry.round,
      declined: result.counts.declined,
      ...(codes.length > 0 ? { codes } : {}),
    };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new BatchStateError(batchId, 'another retry started it meanwhile');
    }
    throw error;
  }
}

/** Pages keep the report rows until the report's retention ends, then close; they all close together. */
async function pagesKept(temporal: Client, batchId: string): Promise<boolean> {
  try {
    const page = await temporal.workflow.getHandle(batchPageWorkflowId(batchId, 0)).describe();
    return page.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
