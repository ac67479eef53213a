// Replays recorded workflow histories against today's workflow code: a change that breaks determinism
// (reordered commands, a removed activity call) fails here instead of in production.
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout } from 'node:timers/promises';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { runCommandOrThrow, runCommandSync } from '../../src/devstack/commands.js';
import { workflowInterceptorModules } from '../../src/worker/bundling.js';
import { awaitsFirstTask, replayOptions } from '../../src/worker/replay.js';
import { testServer } from './helpers.js';

/** The corpus: one directory per code version that recorded histories, read recursively by the replay. */
export const historiesDir = path.resolve('test/fixtures/histories');

/**
 * Where RECORD_HISTORIES=1 writes: HISTORIES_VERSION names the directory (a branch or release name), else the
 * date and the commit recorded from. A new directory per version keeps the histories of older code (the only
 * coverage of a patch's old branch) from being overwritten by a re-recording.
 */
export function recordingDir(): string {
  const version = process.env.HISTORIES_VERSION;
  if (version !== undefined && version !== '') {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version))
      throw new Error(`HISTORIES_VERSION ${version}: not a plain name`);
    return path.join(historiesDir, version);
  }
  const commit = runCommandSync('git', ['rev-parse', '--short=10', 'HEAD']).trim();
  return path.join(historiesDir, `${new Date().toISOString().slice(0, 10)}-${commit}`);
}

/** Writes a recorded history; refuses to replace a file already in the corpus (flag `wx`). */
export async function recordHistory(name: string, json: string): Promise<string> {
  const dir = recordingDir();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  try {
    await writeFile(file, json, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${file} is already in the corpus; record into a new HISTORIES_VERSION directory`);
    }
    throw error;
  }
  return file;
}

/**
 * Replay failures as readable lines, one per history that no longer replays. The workflow interceptors are the
 * worker's own by default: they add steps to every handler, and so can change the order of a workflow's commands.
 * A run still waiting for its first workflow task has nothing to check and is reported instead of replayed: the
 * SDK's replayer never answers for a history that is only its start event, and its worker then keeps jest alive.
 */
export async function replayFailures(
  histories: Array<{ workflowId: string; history: unknown }>,
  interceptorModules: string[] = workflowInterceptorModules(),
): Promise<string[]> {
  const failures: string[] = [];
  const replayable = histories.filter(({ workflowId, history }) => {
    if (!awaitsFirstTask(history)) return true;
    failures.push(`${workflowId}: no workflow task completed yet, nothing to replay`);
    return false;
  });
  if (replayable.length === 0) return failures;
  const results = Worker.runReplayHistories(replayOptions({ interceptorModules }), replayable);
  for await (const result of results) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

/** How long replayStarted waits for a run's first workflow task (a worker picks it up within seconds). */
const firstTaskWaitMs = 30_000;

/**
 * The history of a run once it has completed a workflow task or closed. A run that continued as new has
 * only its start event for about a second (the server's backoff before its first task), a delayed start
 * longer; after firstTaskWaitMs the history is returned as it is and replayFailures reports it.
 */
async function historyWithFirstTask(handle: WorkflowHandle): Promise<History> {
  const deadline = Date.now() + firstTaskWaitMs;
  for (;;) {
    const history = await handle.fetchHistory();
    if (!awaitsFirstTask(history) || Date.now() >= deadline) return history;
    await setTimeout(100);
  }
}

async function historyJson(workflowId: string, runId: string | undefined): Promise<string> {
  const { address, namespace, cliPath } = testServer();
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--namespace', namespace];
  if (runId) args.push('--run-id', runId);
  const { stdout } = await runCommandOrThrow('temporal workflow show', cliPath, [...args, '--output', 'json']);
  return stdout;
}

export interface StartedWorkflow {
  scenario: string;
  handle: WorkflowHandle;
  /** One run of a workflow that continued as new (the handle's own run otherwise). */
  runId?: string;
}

/**
 * Fetches the histories of the workflows a test file started and replays them; with RECORD_HISTORIES=1 also
 * keeps them as fixtures (one file per scenario) for test/integration/replay.test.ts.
 */
export async function replayStarted(prefix: string, started: StartedWorkflow[]): Promise<string[]> {
  // Run alone (`-t`), a file may have started nothing: an empty replay proves nothing, so it fails.
  if (started.length === 0) throw new Error(`${prefix}: no workflows were started, nothing to replay`);
  const histories = await Promise.all(
    started.map(async ({ scenario, handle, runId }, index) => {
      const history = await historyWithFirstTask(handle);
      if (process.env.RECORD_HISTORIES === '1') {
        // The CLI's JSON: the format `npm run replay` and other Temporal tools read back.
        const json = await historyJson(handle.workflowId, runId);
        const name = `${prefix}-${String(index).padStart(2, '0')}-${scenario
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .slice(0, 60)}`;
        await recordHistory(name.replace(/-+$/, ''), json);
      }
      return { workflowId: handle.workflowId, history };
    }),
  );
  return replayFailures(histories);
}

/**
 * The workflows of these types on a test file's task queue (the ones its workers started: batch pages, card
 * bindings, notifications, reconciliation runs), every run of each, for replayStarted. Fails when a type has none.
 */
export async function workflowsOnTaskQueue(
  client: Client,
  taskQueue: string,
  types: readonly string[],
): Promise<StartedWorkflow[]> {
  const found: StartedWorkflow[] = [];
  for (const type of types) {
    const query = `TaskQueue = '${taskQueue}' AND WorkflowType = '${type}'`;
    const runs: StartedWorkflow[] = [];
    for await (const execution of client.workflow.list({ query })) {
      runs.push({
        scenario: type,
        handle: client.workflow.getHandle(execution.workflowId, execution.runId),
        runId: execution.runId,
      });
    }
    if (runs.length === 0) throw new Error(`no ${type} on task queue ${taskQueue}`);
    // Oldest first: the recorded names stay stable from one recording to the next.
    found.push(...runs.reverse());
  }
  return found;
}

interface MarkerEvents {
  events?: Array<{
    markerRecordedEventAttributes?: {
      markerName?: string | null;
      details?: Record<string, { payloads?: Array<{ data?: Uint8Array | null }> | null }> | null;
    } | null;
  }> | null;
}

/** The patch ids a history's patched() calls recorded (the SDK's `core_patch` markers). */
export function patchIdsIn(history: MarkerEvents): string[] {
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });
}
