/**
 * One chaos run: start the stack (./stack.ts), switch on the sandbox's faults, submit the batch, and while
 * it runs kill a random worker every ~killEverySeconds (a replacement starts at once) and restart the
 * Temporal server once; then wait, bounded, until the batch and every payout are terminal, and judge the
 * outcomes against the sandbox ledger (./verdict.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { PayoutsClient } from '../../src/client/index.js';
import { codecFromConfig, payoutsDataConverter } from '../../src/codec/index.js';
import { parseConfig } from '../../src/config.js';
import { type PayoutOutcome, terminalStatuses } from '../../src/domain/payout-outcome.js';
import type { FaultCounters, FaultPatch } from '../../src/sandbox/faults.js';
import { payoutWorkflowTypeTerm } from '../../src/workflows/definitions.js';
import type { LedgerEntry } from '../../src/sandbox/ledger.js';
import { SeededRandom } from '../../src/sandbox/random.js';
import { type BatchResult, batchWorkflowId } from '../../src/workflows/batch/definitions.js';
import { payoutStatusQuery, payoutWorkflowId } from '../../src/workflows/definitions.js';
import type { PayoutTimings } from '../../src/workflows/payout/workflow.js';
import { mapLimit } from '../../src/domain/concurrency.js';
import { chaosItems } from './items.js';
import { ChaosStack } from './stack.js';
import { type ChaosVerdict, type Finding, judge } from './verdict.js';

export interface ChaosOptions {
  payouts: number;
  seed: number;
  workers: number;
  killEverySeconds: number;
  /** The restart comes once this share of the batch has finished. */
  restartAtShare: number;
  /** From submission until every payout must be terminal. */
  timeoutMinutes: number;
  /** The batch's window of payouts in flight. */
  concurrency: number;
  /** Keep the run's directory (logs, Temporal database) even when the run passes. */
  keep: boolean;
  say: (line: string) => void;
}

export interface ChaosResult {
  verdict: ChaosVerdict;
  kills: number;
  serverRestarts: number;
  seconds: number;
  summary: string;
  dir: string;
  ok: boolean;
}

/** What the issue asks of the sandbox: 20% 5xx, 10% time-outs after acceptance, 30% callbacks dropped, 10% twice, some out of order. */
export function chaosFaults(seed: number): FaultPatch {
  return {
    seed,
    serverErrorRate: 0.2,
    timeoutAfterAcceptRate: 0.1,
    // The connection is closed unanswered after this; the adapter sees no answer, as with its own time-out.
    timeoutHangMs: 5_000,
    callbackDropRate: 0.3,
    callbackDuplicateRate: 0.1,
    callbackReorderRate: 0.1,
    callbackReorderHoldMs: 3_000,
  };
}

/** Polling starts soon (30% of callbacks are dropped) and the payouts close soon after their outcome. */
export const chaosTimings: Partial<PayoutTimings> = {
  firstPollAfterMs: 5_000,
  maxPollIntervalMs: 15_000,
  lateEventWindowMs: 15_000,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { say } = options;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'payouts-chaos-'));
  say(`seed ${options.seed}, ${options.payouts} payouts, logs and Temporal database in ${dir}`);
  const stack = await ChaosStack.start({ dir, workers: options.workers, say });
  // Ctrl-C stops every process the run started; their logs stay in the run directory.
  const interrupted = () => {
    say(`interrupted; stopping the stack (run directory: ${dir})`);
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let payouts: PayoutsClient | undefined;
  try {
    const codec = await codecFromConfig(parseConfig({ CODEC_KEYS: stack.codecKeys }));
    payouts = await PayoutsClient.connect({
      address: stack.address,
      namespace: stack.namespace,
      dataConverter: payoutsDataConverter(codec),
    });
    const result = await chaosPhase(options, stack, payouts, dir);
    return result;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await payouts?.close().catch(() => undefined);
    await stack.close();
  }
}

async function chaosPhase(
  options: ChaosOptions,
  stack: ChaosStack,
  payouts: PayoutsClient,
  dir: string,
): Promise<ChaosResult> {
  const { say } = options;
  const runId = randomUUID().slice(0, 8);
  const items = chaosItems(options.payouts, options.seed, runId);
  const batchId = `chaos-${runId}`;
  await stack.setFaults(chaosFaults(options.seed));
  const started = Date.now();
  const deadline = started + options.timeoutMinutes * 60_000;
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  await payouts.submitBatch({
    batchId,
    items: items.map((item) => item.request),
    options: { concurrency: options.concurrency },
    childTimings: chaosTimings,
  });
  say(`batch ${batchId} submitted (${items.length} payouts, at most ${options.concurrency} in flight)`);

  const temporal = payouts.temporal;
  let finished = 0;
  let batchDone = false;
  let kills = 0;
  let serverRestarts = 0;

  // Progress from the visibility store (the PayoutStatus search attribute): no worker needed, so a killed
  // worker or a replay of the batch's history never holds the count up.
  const terminal = terminalStatuses.map((status) => `"${status}"`).join(', ');
  const finishedQuery = `BatchId = "${batchId}" AND ${payoutWorkflowTypeTerm} AND PayoutStatus IN (${terminal})`;
  const followProgress = async () => {
    let lastSaid = 0;
    while (!batchDone && Date.now() < deadline && !stack.fatal) {
      try {
        const description = await temporal.workflow.getHandle(batchWorkflowId(batchId)).describe();
        batchDone = description.status.name === 'COMPLETED';
        finished = (await temporal.workflow.count(finishedQuery)).count;
      } catch {
        // The server is restarting: ask again.
      }
      if (Date.now() - lastSaid >= 15_000) {
        lastSaid = Date.now();
        say(
          `${elapsed()}: ${finished}/${items.length} payouts with an outcome; ${await stack.readyWorkers()} workers polling, ${kills} kills`,
        );
      }
      if (!batchDone) await sleep(2_000);
    }
  };

  const makeChaos = async () => {
    const random = new SeededRandom(options.seed ^ 0x9e3779b9);
    const nextKillIn = () => options.killEverySeconds * 1000 * (0.5 + random.next());
    let nextKillAt = Date.now() + nextKillIn();
    while (!batchDone && Date.now() < deadline && !stack.fatal) {
      if (serverRestarts === 0 && finished >= options.restartAtShare * options.payouts) {
        say(`${elapsed()}: restarting the Temporal server (${finished} payouts finished)`);
        const downMs = await stack.restartServer();
        serverRestarts++;
        say(`${elapsed()}: Temporal server back after ${(downMs / 1000).toFixed(1)} s (same database file and port)`);
      }
      if (Date.now() >= nextKillAt) {
        // Postponed while the last replacement is still starting (seconds on a busy machine).
        const what = await stack.killWorker((n) => random.below(n));
        if (what) {
          kills++;
          say(`${elapsed()}: ${what}`);
          nextKillAt = Date.now() + nextKillIn();
        }
      }
      await sleep(500);
    }
    // A batch too small to reach the restart point still gets its restart, before the checks.
    if (serverRestarts === 0 && !stack.fatal) {
      await stack.restartServer();
      serverRestarts++;
      say(`${elapsed()}: Temporal server restarted after the batch finished`);
    }
  };

  await Promise.all([followProgress(), makeChaos()]);
  if (stack.fatal) throw new Error(stack.fatal);
  if (batchDone)
    say(`${elapsed()}: batch completed (${await describeBatch(payouts, batchId)}); waiting for every payout to close`);
  else say(`${elapsed()}: the batch did not complete within ${options.timeoutMinutes} min`);
  await waitForPayoutsToClose(payouts, batchId, deadline);

  const findings = new Map<string, Finding>();
  await mapLimit(items, 16, async (item) => {
    findings.set(item.request.payoutId, await findingOf(payouts, item.request.payoutId));
  });
  const ledger = await getJson<{ entries: LedgerEntry[] }>(`${stack.sandboxUrl}/sandbox/ledger`);
  const stats = await getJson<{ injected: Record<string, FaultCounters>; callbacks: Record<string, unknown> }>(
    `${stack.sandboxUrl}/sandbox/stats`,
  );
  // The batch's own totals are judged too: each outcome must be counted once, whichever way it arrived.
  const batchResult = batchDone
    ? ((await payouts.temporal.workflow.getHandle(batchWorkflowId(batchId)).result()) as BatchResult)
    : undefined;
  const verdict = judge(items, findings, ledger.entries, batchResult);
  const seconds = Math.round((Date.now() - started) / 1000);

  say(`faults injected: ${describeInjected(stats.injected)}`);
  if (stack.crashedWorkers > 0) say(`workers that exited by themselves (replaced): ${stack.crashedWorkers}`);
  const reviews = [...findings.values()].flatMap((f) =>
    'outcome' in f && f.outcome.status === 'needs_review' ? [`${f.outcome.payoutId}: ${f.outcome.message}`] : [],
  );
  for (const line of reviews.slice(0, 10)) say(`needs_review ${line}`);
  for (const line of verdict.mismatches.slice(0, 20)) say(`MISMATCH ${line}`);
  for (const id of verdict.lost.slice(0, 20)) {
    const finding = findings.get(id);
    say(`LOST ${id}: ${finding && 'problem' in finding ? finding.problem : 'no outcome'}`);
  }
  for (const id of verdict.doublePaid.slice(0, 20)) say(`DOUBLE-PAID ${id}`);
  const { counts } = verdict;
  const summary =
    `chaos: ${items.length} payouts, ${counts.succeeded} succeeded, ${counts.declined} declined, ` +
    `${counts.needs_review} needs_review, ${verdict.doublePaid.length} double-paid, ${verdict.lost.length} lost, ` +
    `${kills} worker kills, ${serverRestarts} server restart${serverRestarts === 1 ? '' : 's'}, ${seconds} s`;
  const ok = verdict.ok;
  if (ok && !options.keep) await rm(dir, { recursive: true, force: true });
  else say(`run directory kept: ${dir}`);
  return { verdict, kills, serverRestarts, seconds, summary, dir, ok };
}

/** Its runs and the workflow task timeout its last run got (set at start, kept across continue-as-new). */
async function describeBatch(payouts: PayoutsClient, batchId: string): Promise<string> {
  const handle = payouts.temporal.workflow.getHandle(batchWorkflowId(batchId));
  const [result, description] = await Promise.all([handle.result() as Promise<BatchResult>, handle.describe()]);
  const taskTimeout = description.raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds;
  return `${result.runs} runs, workflow task timeout ${String(taskTimeout ?? '?')} s`;
}

async function waitForPayoutsToClose(payouts: PayoutsClient, batchId: string, deadline: number): Promise<void> {
  const query = `BatchId = "${batchId}" AND ${payoutWorkflowTypeTerm} AND ExecutionStatus = "Running"`;
  while (Date.now() < deadline) {
    try {
      if ((await payouts.temporal.workflow.count(query)).count === 0) return;
    } catch {
      // The server may be starting; ask again.
    }
    await sleep(2_000);
  }
}

/** The payout's outcome from Temporal (its result, or the outcome a still-open workflow holds), or why none. */
async function findingOf(payouts: PayoutsClient, payoutId: string): Promise<Finding> {
  const handle = payouts.temporal.workflow.getHandle(payoutWorkflowId(payoutId));
  try {
    const description = await handle.describe();
    const status = description.status.name;
    if (status === 'RUNNING') {
      const view = await payouts.temporal.withDeadline(Date.now() + 10_000, () => handle.query(payoutStatusQuery));
      return view.outcome ? { outcome: view.outcome } : { problem: `still running (${view.status})` };
    }
    if (status !== 'COMPLETED') return { problem: `workflow ${status.toLowerCase()}` };
    return { outcome: (await handle.result()) as PayoutOutcome };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { problem: 'never started' };
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

function describeInjected(injected: Record<string, FaultCounters>): string {
  return Object.entries(injected)
    .map(([provider, counters]) => {
      const parts = Object.entries(counters)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} ${n}`);
      return `${provider}: ${parts.join(', ')}`;
    })
    .join('; ');
}
