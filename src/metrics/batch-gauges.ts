/**
 * Batch gauges, read from Temporal at scrape time: the running BatchWorkflows (visibility) and each one's
 * `progress` query. Nothing is counted in the worker, so the numbers are the batches' own, whichever worker
 * runs them; every worker reports the same values (aggregate with max, not sum: docs/OPERATIONS.md).
 */
import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { mapLimit } from '../domain/concurrency.js';
import { type BatchProgress, batchProgressQuery } from '../workflows/batch/definitions.js';
import { batchStateSchema } from '../workflows/batch/schemas.js';

/** A scrape never waits longer than this for Temporal; the gauges then keep their previous values. */
const scrapeBudgetMs = 4_000;
/** Batches whose progress is read per scrape; more are counted in payouts_batches but not detailed. */
const maxDetailedBatches = 100;

export interface BatchGaugeOptions {
  client: Client;
  registry: Registry;
  warn?: (message: string) => void;
}

export const runningBatchesQuery = 'WorkflowType = "BatchWorkflow" AND ExecutionStatus = "Running"';

export function registerBatchGauges({ client, registry, warn = () => {} }: BatchGaugeOptions): void {
  const registers = [registry];
  const items = new Gauge({
    name: 'payouts_batch_items',
    help: 'Items of each running batch: total, started, finished, in_flight and remaining',
    labelNames: ['batch_id', 'kind'],
    registers,
  });
  const outcomes = new Gauge({
    name: 'payouts_batch_outcomes',
    help: 'Finished items of each running batch by final status',
    labelNames: ['batch_id', 'status'],
    registers,
  });
  const paused = new Gauge({
    name: 'payouts_batch_paused',
    help: '1 while a running batch is paused, labelled by who paused it (operator, circuit_breaker, system)',
    labelNames: ['batch_id', 'by'],
    registers,
  });
  new Gauge({
    name: 'payouts_batches',
    help: 'Running batches (BatchWorkflow executions open), by state',
    labelNames: ['state'],
    registers,
    async collect() {
      let views: BatchProgress[];
      try {
        views = await withBudget(readRunningBatches(client));
      } catch (error) {
        warn(`batch gauges not refreshed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      this.reset();
      for (const state of batchStateSchema.options) this.set({ state }, 0);
      items.reset();
      outcomes.reset();
      paused.reset();
      for (const view of views) {
        this.inc({ state: view.state });
        const batch = { batch_id: view.batchId };
        items.set({ ...batch, kind: 'total' }, view.total);
        items.set({ ...batch, kind: 'started' }, view.started);
        items.set({ ...batch, kind: 'finished' }, view.finished);
        items.set({ ...batch, kind: 'in_flight' }, view.inFlight);
        items.set({ ...batch, kind: 'remaining' }, view.remaining);
        for (const [status, count] of Object.entries(view.counts)) outcomes.set({ ...batch, status }, count);
        if (view.paused) paused.set({ ...batch, by: view.paused.by }, 1);
      }
    },
  });
}

async function readRunningBatches(client: Client): Promise<BatchProgress[]> {
  const workflowIds: string[] = [];
  for await (const execution of client.workflow.list({ query: runningBatchesQuery })) {
    workflowIds.push(execution.workflowId);
    if (workflowIds.length >= maxDetailedBatches) break;
  }
  const views = await mapLimit(workflowIds, 10, async (workflowId) => {
    try {
      return await client.workflow.getHandle(workflowId).query(batchProgressQuery);
    } catch {
      // Closed since it was listed, or busy: it is simply left out of this scrape.
      return undefined;
    }
  });
  return views.filter((view): view is BatchProgress => view !== undefined);
}

function withBudget<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${scrapeBudgetMs} ms`)), scrapeBudgetMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
