/**
 * Lists payouts and batches through Temporal's visibility (the search attributes every starter sets), so ops
 * find them without `temporal workflow list`. The query is built from checked values only.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { payoutStatusSchema, type PayoutStatus } from '../domain/payout-outcome.js';
import type { ProviderName } from '../domain/payout-request.js';
import { quoteQueryValue as quote } from '../domain/visibility-query.js';
import {
  batchIdSearchAttribute,
  payoutAmountSearchAttribute,
  payoutCurrencySearchAttribute,
  payoutDeclineCodeSearchAttribute,
  payoutProviderReferenceSearchAttribute,
  payoutProviderSearchAttribute,
  payoutStatusSearchAttribute,
  payoutWorkflowTypeTerm,
  workflowTypes,
} from './definitions.js';

export interface PayoutListFilter {
  status?: PayoutStatus;
  batchId?: string;
  provider?: ProviderName;
  /** The provider's reference of the payout. */
  reference?: string;
  /** The provider's code of a decline. */
  code?: string;
  /** Started at or after this instant (ISO 8601). */
  since?: string;
  /** At most this many (default 50). */
  limit?: number;
}

export interface PayoutListEntry {
  workflowId: string;
  status?: string;
  provider?: string;
  /** Minor units. */
  amount?: number;
  currency?: string;
  batchId?: string;
  reference?: string;
  code?: string;
  startTime: string;
  closeTime?: string;
}

/** Temporal's execution statuses, as a batch's `--status` names them. */
export const executionStatuses = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
export type ExecutionStatusName = (typeof executionStatuses)[number];

export interface BatchListFilter {
  status?: ExecutionStatusName;
  batchId?: string;
  since?: string;
  limit?: number;
}

export interface BatchListEntry {
  batchId: string;
  workflowId: string;
  runId: string;
  status: string;
  startTime: string;
  closeTime?: string;
}

/** The visibility query for `payouts payout list`. */
export function payoutListQuery(filter: Omit<PayoutListFilter, 'limit'>): string {
  const terms = [payoutWorkflowTypeTerm];
  if (filter.status)
    terms.push(`${payoutStatusSearchAttribute.name} = ${quote(payoutStatusSchema.parse(filter.status))}`);
  if (filter.batchId) terms.push(`${batchIdSearchAttribute.name} = ${quote(filter.batchId)}`);
  if (filter.provider) terms.push(`${payoutProviderSearchAttribute.name} = ${quote(filter.provider)}`);
  if (filter.reference) terms.push(`${payoutProviderReferenceSearchAttribute.name} = ${quote(filter.reference)}`);
  if (filter.code) terms.push(`${payoutDeclineCodeSearchAttribute.name} = ${quote(filter.code)}`);
  if (filter.since) terms.push(`StartTime >= ${quote(filter.since)}`);
  return terms.join(' AND ');
}

const executionStatusNames: Record<ExecutionStatusName, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/** The visibility query for `payouts batch list`. */
export function batchListQuery(filter: Omit<BatchListFilter, 'limit'>): string {
  const terms = [`WorkflowType = ${quote(workflowTypes.batch)}`];
  if (filter.status) terms.push(`ExecutionStatus = ${quote(executionStatusNames[filter.status])}`);
  if (filter.batchId) terms.push(`${batchIdSearchAttribute.name} = ${quote(filter.batchId)}`);
  if (filter.since) terms.push(`StartTime >= ${quote(filter.since)}`);
  return terms.join(' AND ');
}

async function take<T>(
  executions: AsyncIterable<WorkflowExecutionInfo>,
  limit: number,
  map: (e: WorkflowExecutionInfo) => T,
) {
  const entries: T[] = [];
  if (limit <= 0) return entries;
  for await (const execution of executions) {
    entries.push(map(execution));
    if (entries.length >= limit) break;
  }
  return entries;
}

function times(execution: WorkflowExecutionInfo): { startTime: string; closeTime?: string } {
  return {
    startTime: execution.startTime.toISOString(),
    ...(execution.closeTime ? { closeTime: execution.closeTime.toISOString() } : {}),
  };
}

export function listPayouts(temporal: Client, filter: PayoutListFilter = {}): Promise<PayoutListEntry[]> {
  const executions = temporal.workflow.list({ query: payoutListQuery(filter), pageSize: 100 });
  return take(executions, filter.limit ?? 50, (execution) => {
    const attributes = execution.typedSearchAttributes;
    const defined = <T>(value: T | undefined) => value ?? undefined;
    const entry: PayoutListEntry = { workflowId: execution.workflowId, ...times(execution) };
    const status = defined(attributes.get(payoutStatusSearchAttribute));
    const provider = defined(attributes.get(payoutProviderSearchAttribute));
    const amount = defined(attributes.get(payoutAmountSearchAttribute));
    const currency = defined(attributes.get(payoutCurrencySearchAttribute));
    const batchId = defined(attributes.get(batchIdSearchAttribute));
    const reference = defined(attributes.get(payoutProviderReferenceSearchAttribute));
    const code = defined(attributes.get(payoutDeclineCodeSearchAttribute));
    return {
      ...entry,
      ...(status !== undefined ? { status } : {}),
      ...(provider !== undefined ? { provider } : {}),
      ...(amount !== undefined ? { amount } : {}),
      ...(currency !== undefined ? { currency } : {}),
      ...(batchId !== undefined ? { batchId } : {}),
      ...(reference !== undefined ? { reference } : {}),
      ...(code !== undefined ? { code } : {}),
    };
  });
}

export function listBatches(temporal: Client, filter: BatchListFilter = {}): Promise<BatchListEntry[]> {
  const executions = temporal.workflow.list({ query: batchListQuery(filter), pageSize: 100 });
  return take(executions, filter.limit ?? 50, (execution) => ({
    batchId: execution.typedSearchAttributes.get(batchIdSearchAttribute) ?? execution.workflowId.replace(/^batch-/, ''),
    workflowId: execution.workflowId,
    runId: execution.runId,
    status: execution.status.name.toLowerCase(),
    ...times(execution),
  }));
}
