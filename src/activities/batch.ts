/**
 * The activities a BatchWorkflow drives: reading a page of items (the claim check), learning the outcome of
 * children a previous run started, cancelling children not yet submitted, and closing the batch with its
 * report. They talk to Temporal only, through the worker's client: pages and rows live in page workflows.
 * The one exception is the balance check before a batch pays, which asks the providers.
 */
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { Context, heartbeat, log } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { PayoutOutcome } from '../domain/payout-outcome.js';
import type { ProviderName } from '../domain/payout-request.js';
import type { PayoutProvider } from '../providers/contract.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { mapLimit, withRetries } from '../domain/concurrency.js';
import { forEachReportRow } from '../shared/batch-report-reader.js';
import {
  type BalanceShortfall,
  type BatchClosed,
  batchClosedSignal,
  type BatchItem,
  batchPageWorkflowId,
  pageItemsQuery,
  type ProviderAmounts,
} from '../workflows/batch/definitions.js';
import { approvalReason } from '../domain/approval-thresholds.js';
import { reportCsvHeader, reportCsvLine } from '../domain/report-csv.js';
import { cancelPayoutUpdate, payoutStatusQuery, payoutWorkflowId } from '../workflows/definitions.js';
import { classified } from './failures.js';

export interface BatchActivityDeps {
  /** Where finished reports are written (`<DATA_DIR>/reports`, given by the worker's bootstrap). */
  reportsDir: string;
  /** The worker's own client (the activity context's) by default. */
  client?: Client;
  /** For the balance check; without it no balance is checked. */
  providers?: ProviderRegistry;
  /** The worker's four-eyes thresholds (BATCH_APPROVAL_THRESHOLDS), applied to every batch; none by default. */
  approvalThresholds?: Readonly<Record<string, number>>;
}

/** What the worker requires of a batch before it pays: a reason when its thresholds ask for approval. */
export interface BatchApprovalPolicy {
  reason?: string;
  /** The Temporal client identity that started the batch, as its history records it (never the input's claim). */
  submittedBy?: string;
}

export interface BatchReportFile {
  path: string;
  rows: number;
}

/** Calls made at once to children or pages: well under the frontend's rate limits. */
const callsAtOnce = 10;

const notFound = (error: unknown) => error instanceof WorkflowNotFoundError;

/** A provider this worker cannot build fails its own payouts; it does not stop the others' balance check. */
function builtOrUndefined(providers: ProviderRegistry, name: ProviderName): PayoutProvider | undefined {
  try {
    return providers.get(name);
  } catch (error) {
    log.warn('provider not available for the balance check', { provider: name, error: String(error) });
    return undefined;
  }
}

/** The workflow run this activity works for. */
function callingExecution(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw ApplicationFailure.nonRetryable('called outside a workflow', 'NoWorkflow');
  return execution;
}

export function createBatchActivities(deps: BatchActivityDeps) {
  const temporal = () => deps.client ?? Context.current().client;

  return {
    async readBatchPage({ batchId, page }: { batchId: string; page: number }): Promise<BatchItem[]> {
      const handle = temporal().workflow.getHandle(batchPageWorkflowId(batchId, page));
      try {
        return await withRetries(
          () => handle.query(pageItemsQuery),
          (error) => !notFound(error),
        );
      } catch (error) {
        // No retry brings back a missing or emptied page: the batch pauses and says so.
        throw ApplicationFailure.nonRetryable(
          `page ${page} of batch ${batchId} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
          'BatchPageUnreadable',
        );
      }
    },

    /**
     * The worker's own four-eyes check, whoever started the batch: the batch's total per currency, summed from
     * its pages (what will be paid, not what the starter claimed), against this worker's thresholds. Called
     * before the first start, while the pages still hold every item.
     */
    async batchApprovalPolicy({
      batchId,
      pageCount,
    }: {
      batchId: string;
      pageCount: number;
    }): Promise<BatchApprovalPolicy> {
      const workflowExecution = callingExecution();
      const history = await temporal().workflowService.getWorkflowExecutionHistory({
        namespace: temporal().options.namespace,
        execution: workflowExecution,
        maximumPageSize: 1,
      });
      const identity = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.identity ?? '';
      const submitter = identity === '' ? {} : { submittedBy: identity };
      const thresholds = deps.approvalThresholds ?? {};
      if (Object.keys(thresholds).length === 0) return submitter;
      const totals: ProviderAmounts = {};
      const pages = Array.from({ length: pageCount }, (_, page) => page);
      await mapLimit(pages, callsAtOnce, async (page) => {
        const handle = temporal().workflow.getHandle(batchPageWorkflowId(batchId, page));
        const items = await withRetries(
          () => handle.query(pageItemsQuery),
          (error) => !notFound(error),
        );
        for (const { request, duplicateOf } of items) {
          if (duplicateOf !== undefined) continue;
          const perCurrency = (totals[request.provider] ??= {});
          perCurrency[request.currency] = (perCurrency[request.currency] ?? 0) + request.amount;
        }
      });
      const reason = approvalReason(totals, thresholds);
      return { ...submitter, ...(reason ? { reason } : {}) };
    },

    /**
     * The Temporal client identity that sent an update to this workflow, as the server recorded it when the update
     * was accepted (the update's `meta.identity` in history). The approve and reject handlers ask it: a workflow's
     * own code is not given the caller's identity.
     */
    async updateCallerIdentity({ updateId }: { updateId: string }): Promise<string> {
      const workflowExecution = callingExecution();
      const handle = temporal().workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId);
      const history = await handle.fetchHistory();
      for (const event of history.events ?? []) {
        const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta;
        if (accepted?.updateId === updateId) return accepted.identity ?? '';
      }
      throw ApplicationFailure.retryable(`update ${updateId} is not in the history yet`, 'UpdateNotAccepted');
    },

    /** Outcomes of the given payouts that have one; the others are asked again later. */
    async collectPayoutOutcomes({ payoutIds }: { payoutIds: string[] }): Promise<PayoutOutcome[]> {
      const views = await mapLimit(payoutIds, callsAtOnce, async (payoutId) => {
        try {
          return await temporal().workflow.getHandle(payoutWorkflowId(payoutId)).query(payoutStatusQuery);
        } catch (error) {
          log.warn('payout status query failed; asking again later', { payoutId, error: String(error) });
          return undefined;
        }
      });
      return views.flatMap((view) => (view?.outcome ? [view.outcome] : []));
    },

    /** Asks each payout to cancel; those already sent to the provider refuse and finish on their own. */
    async cancelPayouts({ payoutIds, reason }: { payoutIds: string[]; reason: string }): Promise<number> {
      const accepted = await mapLimit(payoutIds, callsAtOnce, async (payoutId) => {
        try {
          await temporal()
            .workflow.getHandle(payoutWorkflowId(payoutId))
            .startUpdate(cancelPayoutUpdate, { args: [{ reason }], waitForStage: WorkflowUpdateStage.ACCEPTED });
          return true;
        } catch (error) {
          log.info('payout not cancelled', { payoutId, error: String(error) });
          return false;
        }
      });
      return accepted.filter(Boolean).length;
    },

    /**
     * The accounts that hold less than the batch still needs from them, for providers with a balance to ask
     * (RBKmoney's wallet); the others are not asked. Provider errors leave classified.
     */
    async checkProviderBalances({ needed }: { needed: ProviderAmounts }): Promise<BalanceShortfall[]> {
      const providers = deps.providers;
      if (!providers) return [];
      return classified(async () => {
        const shortfalls: BalanceShortfall[] = [];
        for (const [name, perCurrency] of Object.entries(needed) as Array<[ProviderName, Record<string, number>]>) {
          const provider = builtOrUndefined(providers, name);
          if (!provider?.availableBalance) continue;
          for (const [currency, amount] of Object.entries(perCurrency)) {
            const available = await provider.availableBalance(currency);
            const short = available.currency !== currency || available.amount < amount;
            if (short) shortfalls.push({ provider: name, currency, needed: amount, available });
          }
        }
        return shortfalls;
      });
    },

    /**
     * Closes every page (unstarted items of a cancelled batch become `cancelled` rows; the rows are kept until
     * `keepUntil`), then writes the report CSV where the client and the CLI find it.
     */
    async finishBatchReport(input: {
      batchId: string;
      pageCount: number;
      closed: BatchClosed;
    }): Promise<BatchReportFile> {
      const client = temporal();
      const pages = Array.from({ length: input.pageCount }, (_, page) => page);
      await mapLimit(pages, callsAtOnce, async (page) => {
        try {
          await client.workflow
            .getHandle(batchPageWorkflowId(input.batchId, page))
            .signal(batchClosedSignal, input.closed);
        } catch (error) {
          // A page past its lifetime has ended on its own; its rows are still readable until retention.
          if (!notFound(error)) throw error;
          log.warn('batch page already closed', { batchId: input.batchId, page });
        }
        heartbeat({ closing: page });
      });
      const dir = deps.reportsDir;
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `batch-${input.batchId}.csv`);
      const partial = `${file}.partial`;
      const out = await open(partial, 'w');
      let rows = 0;
      try {
        await out.write(reportCsvHeader());
        await forEachReportRow(client, input.batchId, input.pageCount, async (group) => {
          rows += group.length;
          await out.write(group.map(reportCsvLine).join(''));
          heartbeat({ rows });
        });
      } finally {
        await out.close();
      }
      // A reader never sees half a report.
      await rename(partial, file);
      return { path: file, rows };
    },
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
