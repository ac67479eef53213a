/**
 * `npm run replay -- <file.json | dir> ...`: replays workflow histories (the JSON of `temporal workflow show
 * --output json`; directories are read recursively) on the current workflow code, one line per history, exit
 * 1 if any no longer replays. Run it on histories from production before deploying a workflow change.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { codecFromConfig, payoutsDataConverter } from '../src/codec/index.js';
import { config } from '../src/config.js';
import { replayOptions, startEventOnly } from '../src/worker/replay.js';

/** The .json files of a file or a directory tree (the corpus keeps one directory per code version). */
async function historyFiles(target: string): Promise<string[]> {
  if (!(await stat(target)).isDirectory()) return [target];
  const names = await readdir(target, { recursive: true });
  return names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(target, name));
}

async function main(targets: string[]): Promise<number> {
  if (targets.length === 0) {
    console.error('usage: npm run replay -- <history.json | directory> ...');
    return 2;
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const files = (await Promise.all(targets.map(historyFiles))).flat();
  if (files.length === 0) {
    console.error(`no histories (.json) under ${targets.join(', ')}`);
    return 2;
  }
  const histories = await Promise.all(
    files.map(async (file) => ({
      workflowId: path.relative(process.cwd(), file),
      history: historyFromJSON(JSON.parse(await readFile(file, 'utf8'))),
    })),
  );
  // A history that is only its start event has nothing to check (and would stall the replayer).
  const waiting = histories.filter(({ history }) => startEventOnly(history));
  for (const { workflowId } of waiting) console.log(`skip ${workflowId}: only its start event, nothing to replay`);
  const replayable = histories.filter(({ history }) => !startEventOnly(history));
  let failed = 0;
  const results = Worker.runReplayHistories(
    // Production histories are encrypted; unencrypted ones (the fixtures) pass through the codec as they are.
    // PAYOUTS_REPLAY_WORKFLOWS: another workflows module (the replay test points it at one that must fail).
    replayOptions({
      dataConverter: payoutsDataConverter(await codecFromConfig(config(), { allowDevelopmentKey: true })),
      workflowsPath: process.env.PAYOUTS_REPLAY_WORKFLOWS,
    }),
    replayable,
  );
  for await (const result of results) {
    if (result.error) failed++;
    console.log(
      // The error's class says which kind: DeterminismViolationError (the code no longer matches) or ReplayError.
      `${result.error ? 'FAIL' : 'ok  '} ${result.workflowId}${result.error ? `: ${result.error.name}: ${result.error.message}` : ''}`,
    );
  }
  const skipped = waiting.length > 0 ? `, ${waiting.length} skipped` : '';
  console.log(`replayed ${replayable.length} histories, ${failed} failed${skipped}`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
