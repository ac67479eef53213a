// The batch path on the shared dev server: the payout stack (sandbox for both providers, relay, worker with
// every activity) plus a PayoutsClient on its task queue, and helpers that build batch items by test card.
// Reports go to a temporary DATA_DIR, set before the worker's activities first read the configuration.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PayoutsClient } from '../../../src/client/index.js';
import type { Payload } from '@temporalio/common';
import { CodecKeyring, EncryptionCodec, parseCodecKeys, payoutsDataConverter } from '../../../src/codec/index.js';
import { generateCodecKeyEntry } from '../../../src/codec/keys.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { batchWorkflowId, type BatchProgress } from '../../../src/workflows/batch/definitions.js';
import { payoutFinishedSignal, payoutWorkflowTypes } from '../../../src/workflows/definitions.js';
import type { PayoutTimings } from '../../../src/workflows/payout/workflow.js';
import {
  ecommpayPayout,
  startPayoutStack,
  testTimings,
  type PayoutStack,
  type PayoutStackOptions,
} from '../payout/stack.js';

export const dataDir = mkdtempSync(path.join(os.tmpdir(), 'payouts-batch-'));
process.env.DATA_DIR = dataDir;
// Payloads encrypted as in production; the CLI runs in child processes that inherit the same key.
process.env.CODEC_KEYS = generateCodecKeyEntry('batch-test');
const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(process.env.CODEC_KEYS)));
export const dataConverter = payoutsDataConverter(codec);

/** Children finish fast and close soon after, so a test's batch does not wait on slow defaults. */
export const batchChildTimings: Partial<PayoutTimings> = { ...testTimings, outcomeDeadlineMs: 6_000 };

export interface BatchStack {
  stack: PayoutStack;
  payouts: PayoutsClient;
  close(): Promise<void>;
}

export async function startBatchStack(
  name: string,
  options: Pick<PayoutStackOptions, 'limits' | 'sandboxClarificationWindowMs' | 'server'> = {},
): Promise<BatchStack> {
  const stack = await startPayoutStack(name, { dataConverter, ...options });
  const payouts = new PayoutsClient({ client: stack.conns.client, taskQueue: stack.taskQueue });
  return { stack, payouts, close: () => stack.close() };
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

/** A valid ecommpay payout to this card (Visa rules included: sender date of birth). */
export const ecommpayItem = (pan: string, overrides: Partial<PayoutRequestInput> = {}) =>
  ecommpayPayout(pan, overrides, 'e');

export function rbkmoneyItem(pan: string, overrides: Partial<PayoutRequestInput> = {}): PayoutRequestInput {
  return {
    payoutId: uniqueId('r'),
    provider: 'rbkmoney',
    amount: 250_000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
    ...overrides,
  };
}

/** Polls the batch's progress until `done` holds (or fails the test after `timeoutMs`). */
export async function progressUntil(
  payouts: PayoutsClient,
  batchId: string,
  done: (view: BatchProgress) => boolean,
  timeoutMs = 30_000,
): Promise<BatchProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await payouts.getBatch(batchId);
    if (done(view)) return view;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} never got there: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface RunHistory {
  events?: Array<{
    workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string | null } | null;
    startChildWorkflowExecutionInitiatedEventAttributes?: { workflowType?: { name?: string | null } | null } | null;
    eventId?: { toString(): string } | number | string | null;
    activityTaskScheduledEventAttributes?: {
      activityType?: { name?: string | null } | null;
      input?: { payloads?: Payload[] | null } | null;
    } | null;
    activityTaskCompletedEventAttributes?: {
      scheduledEventId?: { toString(): string } | number | string | null;
      result?: { payloads?: Payload[] | null } | null;
    } | null;
    workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null;
  }> | null;
}

export interface BatchRun {
  runId: string;
  events: number;
  /** Payouts it started, as children or through its start activity, and their workflow types. */
  childrenStarted: number;
  childTypes: string[];
  /** Of those, started as child workflows (StartChildWorkflowExecution commands in its own history). */
  startedAsChildren: number;
  /** payoutFinished signals this run received, from its own children or an earlier run's. */
  outcomesSignalled: number;
  /** Outcomes its window steps collected from the payouts' memos. */
  outcomesCollected: number;
}

/** Activities that start a batch's payouts: the start activity, and the window step that also collects. */
const startActivities = ['startBatchPayouts', 'startAndCollectPayouts'];

async function decodedJson<T>(payloads: Payload[] | null | undefined): Promise<T> {
  const [payload] = await codec.decode(payloads ?? []);
  return JSON.parse(Buffer.from(payload?.data ?? []).toString('utf8')) as T;
}

/** How many outcomes the run's window steps returned (their results, decrypted). */
async function outcomesCollectedIn(events: NonNullable<RunHistory['events']>): Promise<number> {
  const steps = new Set(
    events
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'startAndCollectPayouts')
      .map((event) => String(event.eventId)),
  );
  let collected = 0;
  for (const event of events) {
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed || !steps.has(String(completed.scheduledEventId))) continue;
    collected += (await decodedJson<{ outcomes: unknown[] }>(completed.result?.payloads)).outcomes.length;
  }
  return collected;
}

/** The workflow types the run's start activities were asked for, one per payout (their input, decrypted). */
async function typesStartedByActivity(events: NonNullable<RunHistory['events']>): Promise<string[]> {
  const types: string[] = [];
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (!startActivities.includes(scheduled?.activityType?.name ?? '')) continue;
    const input = await decodedJson<{ workflowType: string; orders: unknown[] }>(scheduled?.input?.payloads);
    types.push(...input.orders.map(() => input.workflowType));
  }
  return types;
}

/** Every run of a batch, newest first, following the continue-as-new chain back through the histories. */
export async function runHistories(stack: PayoutStack, batchId: string): Promise<BatchRun[]> {
  const workflowId = batchWorkflowId(batchId);
  const runs: BatchRun[] = [];
  let runId: string | undefined = (await stack.conns.client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    // The SDK's history type comes from generated protobuf code; only these fields are read.
    const history: unknown = await stack.conns.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = (history as RunHistory).events ?? [];
    const asChildren = events
      .map((event) => event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? '')
      .filter((type) => (payoutWorkflowTypes as readonly string[]).includes(type));
    const childTypes = [...asChildren, ...(await typesStartedByActivity(events))];
    runs.push({
      runId,
      events: events.length,
      childTypes,
      childrenStarted: childTypes.length,
      startedAsChildren: asChildren.length,
      outcomesSignalled: events.filter(
        (event) => event.workflowExecutionSignaledEventAttributes?.signalName === payoutFinishedSignal.name,
      ).length,
      outcomesCollected: await outcomesCollectedIn(events),
    });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

/** Report CSV lines as objects (the report's cells hold no commas in these tests). */
export function parseReport(csv: string): Array<Record<string, string>> {
  const [header, ...lines] = csv.trimEnd().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? '']));
  });
}
