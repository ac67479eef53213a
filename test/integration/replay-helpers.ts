// Replays recorded workflow histories against today's workflow code: a change that breaks determinism
// (reordered commands, a removed activity call) fails here instead of in production.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { webpackConfigHook } from '../../src/worker/bundling.js';
import { defaultWorkflowsPath } from '../../src/worker/bundling.js';
import { testServer } from './helpers.js';

export const historiesDir = path.resolve('test/fixtures/histories');

/** Replay failures as readable lines, one per history that no longer replays. */
export async function replayFailures(histories: Array<{ workflowId: string; history: unknown }>): Promise<string[]> {
  const failures: string[] = [];
  const results = Worker.runReplayHistories(
    { workflowsPath: defaultWorkflowsPath(), bundlerOptions: { webpackConfigHook }, replayName: 'payouts-replay' },
    histories,
  );
  for await (const result of results) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

async function historyJson(workflowId: string): Promise<string> {
  const { address, namespace, cliPath } = testServer();
  const args = ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--namespace', namespace];
  const { stdout } = await promisify(execFile)(cliPath, [...args, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export interface StartedWorkflow {
  scenario: string;
  handle: WorkflowHandle;
}

/**
 * Fetches the histories of the workflows a test file started and replays them; with RECORD_HISTORIES=1 also
 * keeps them as fixtures (one file per scenario) for test/integration/replay.test.ts.
 */
export async function replayStarted(prefix: string, started: StartedWorkflow[]): Promise<string[]> {
  const histories = await Promise.all(
    started.map(async ({ scenario, handle }, index) => {
      const history = await handle.fetchHistory();
      if (process.env.RECORD_HISTORIES === '1') {
        // The CLI's JSON: the format `npm run replay` and other Temporal tools read back.
        const json = await historyJson(handle.workflowId);
        const name = `${prefix}-${String(index).padStart(2, '0')}-${scenario
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .slice(0, 60)}`;
        await writeFile(path.join(historiesDir, `${name.replace(/-+$/, '')}.json`), json);
      }
      return { workflowId: handle.workflowId, history };
    }),
  );
  return replayFailures(histories);
}
