// The recorded corpus (test/fixtures/histories/<code version>/: the payout scenarios, the batch, its pages,
// card bindings, reconciliation, notifications, and both sides of every patched() branch) replays on today's
// code; a change that breaks determinism for running workflows fails here. The replay runs in the
// `npm run replay` script's own process: protobuf's JSON reader does not survive jest's module isolation.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { generateCodecKeyEntry } from '../../src/codec/keys.js';
import { runNodeScript } from '../../src/devstack/commands.js';
import { defaultWorkflowsPath, webpackConfigHook } from '../../src/worker/bundling.js';
import { BatchPageWorkflow } from '../../src/workflows/index.js';
import { connect, testServer, uniqueTaskQueue } from './helpers.js';
import { historiesDir, recordHistory, replayFailures, replayStarted } from './replay-helpers.js';

/** Runs `npm run replay` on these targets: its exit code and output (a failing replay does not throw). */
async function replay(targets: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string }> {
  const { code, stdout } = await runNodeScript('scripts/replay-histories.ts', targets, {
    // The fixtures are unencrypted; the script still needs keys (no process invents its own).
    env: { ...process.env, CODEC_KEYS: generateCodecKeyEntry('replay-test'), ...env },
  });
  return { code, stdout };
}

async function corpus(): Promise<string[]> {
  const names = await readdir(historiesDir, { recursive: true });
  return names.filter((name) => name.endsWith('.json')).map((name) => path.join(historiesDir, name));
}

interface HistoryJson {
  events?: Array<{
    workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
    markerRecordedEventAttributes?: {
      markerName?: string;
      details?: Record<string, { payloads?: Array<{ data?: string }> }>;
    };
  }>;
}

/** The patch ids a recorded history's markers name (the CLI's JSON: payload data in base64). */
async function patchIdsOf(file: string): Promise<string[]> {
  const json = JSON.parse(await readFile(file, 'utf8')) as HistoryJson;
  return (json.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id] : [];
  });
}

async function workflowTypeOf(file: string): Promise<string | undefined> {
  const json = JSON.parse(await readFile(file, 'utf8')) as {
    events?: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
  };
  return json.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}

test('the recorded corpus replays without non-determinism, and holds every workflow type', async () => {
  const files = await corpus();
  const types = new Set(await Promise.all(files.map(workflowTypeOf)));
  expect([...types].sort()).toEqual(
    expect.arrayContaining([
      'BatchPageWorkflow',
      'BatchWorkflow',
      'DestinationWorkflow',
      'MerchantNotificationWorkflow',
      'PayoutWorkflow',
      'PayoutWorkflowV2',
      'PayoutWorkflowV3',
      'ReconciliationWorkflow',
    ]),
  );
  // A history that is only its start event (recorded before the run's first task) stalls the replayer.
  const startOnly = [];
  for (const file of files) {
    if ((JSON.parse(await readFile(file, 'utf8')) as HistoryJson).events?.length === 1) startOnly.push(file);
  }
  expect(startOnly).toEqual([]);
  const { code, stdout } = await replay([historiesDir]);
  expect(stdout).toContain(`replayed ${files.length} histories, 0 failed`);
  expect(code).toBe(0);
});

test('every patched() in the workflows has a recorded history that took its new branch', async () => {
  // Workflows live in folders (batch/, payout/, ...): every module below src/workflows is read.
  const modules = (await readdir(path.resolve('src/workflows'), { recursive: true })).filter((name) =>
    name.endsWith('.ts'),
  );
  const sources = await Promise.all(modules.map((name) => readFile(path.resolve('src/workflows', name), 'utf8')));
  const patches = new Set(
    sources.flatMap((source) => [...source.matchAll(/(?:patched|changeApplies)\('([^']+)'\)/g)].map((m) => m[1])),
  );
  expect(patches.size).toBeGreaterThanOrEqual(5);
  expect(patches).toContain('wake-after-handlers');
  const recorded = new Set((await Promise.all((await corpus()).map(patchIdsOf))).flat());
  expect([...patches].filter((patch) => !recorded.has(patch!))).toEqual([]);
});

test('a payout history replayed on a copy of PayoutWorkflow with one command moved fails with a non-determinism error', async () => {
  // The copy sets the `submitting` status (a search-attribute upsert) after scheduling submitPayout instead
  // of before: the kind of reordering a careless refactor makes.
  const source = await readFile(path.resolve('src/workflows/payout/workflow.ts'), 'utf8');
  const moved = "  setStatus(state, 'submitting', payoutSummary(request));\n";
  expect(source).toContain(moved);
  const reordered = source
    .replace(moved, '')
    .replace('  const submittedAt = Date.now();\n', `${moved}  const submittedAt = Date.now();\n`)
    // Absolute imports: the copy lives outside src/ (in the git-ignored .data/, where the bundler still finds packages).
    .replace(
      /from '(\.{1,2}\/[^']+)'/g,
      (_all, specifier: string) => `from '${path.resolve('src/workflows/payout', specifier)}'`,
    );
  expect(reordered).not.toBe(source);
  const dir = path.resolve('.data/replay-reordered');
  await mkdir(dir, { recursive: true });
  const copy = path.join(dir, `payout-reordered-${process.pid}.ts`);
  await writeFile(copy, reordered);
  try {
    const submitted = path.join(
      historiesDir,
      '2026-11-main/ecommpay-00-a-valid-payout-is-paid-once-and-ends-succeeded-through-the-c.json',
    );
    // The same history replays on today's code: only the moved command makes the difference.
    expect(await replay([submitted])).toMatchObject({ code: 0 });
    const failing = await replay([submitted], { PAYOUTS_REPLAY_WORKFLOWS: copy });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(': DeterminismViolationError: Replay failed with a nondeterminism error');
  } finally {
    await rm(copy, { force: true });
  }
});

test('recording refuses to overwrite a history already in the corpus', async () => {
  const [existing] = await corpus();
  if (!existing) throw new Error('the corpus is empty');
  const version = path.relative(historiesDir, path.dirname(existing));
  const saved = process.env.HISTORIES_VERSION;
  process.env.HISTORIES_VERSION = version;
  try {
    const before = await readFile(existing, 'utf8');
    await expect(recordHistory(path.basename(existing, '.json'), '{}')).rejects.toThrow(
      'is already in the corpus; record into a new HISTORIES_VERSION directory',
    );
    expect(await readFile(existing, 'utf8')).toBe(before);
  } finally {
    if (saved === undefined) delete process.env.HISTORIES_VERSION;
    else process.env.HISTORIES_VERSION = saved;
  }
});

// A run's history is its start event alone until its first workflow task is scheduled: for about a second
// after a continue-as-new (the server's first-task backoff, the batch pages' second runs), or for a start
// delay. Fed such a history, the SDK's replayer never answers and its worker keeps jest alive.
test('a run whose first workflow task is still to come is replayed once that task completed', async () => {
  const conns = await connect();
  const taskQueue = uniqueTaskQueue('replay-first-task');
  const worker = await Worker.create({
    connection: conns.nativeConnection,
    namespace: testServer().namespace,
    taskQueue,
    workflowsPath: defaultWorkflowsPath(),
    bundlerOptions: { webpackConfigHook },
  });
  const running = worker.run();
  try {
    // A rows-only page: its first task starts a timer and the run stays open, like a page's second run.
    const handle = await conns.client.workflow.start(BatchPageWorkflow, {
      taskQueue,
      workflowId: `replay-first-task-${taskQueue}`,
      args: [{ batchId: taskQueue, page: 0, rows: [] }],
      startDelay: '2 seconds',
    });
    expect((await handle.fetchHistory()).events).toHaveLength(1);
    expect(await replayStarted('first-task', [{ scenario: 'delayed start', handle }])).toEqual([]);
    await handle.terminate('test done');
  } finally {
    worker.shutdown();
    await running;
    await conns.close();
  }
}, 60_000);

test('a history that is only its start event is reported, not handed to the replayer', async () => {
  const conns = await connect();
  try {
    const handle = await conns.client.workflow.start(BatchPageWorkflow, {
      taskQueue: uniqueTaskQueue('replay-no-task'),
      workflowId: `replay-no-task-${uniqueTaskQueue('p')}`,
      args: [{ batchId: 'replay-no-task', page: 0, rows: [] }],
      startDelay: '1 hour',
    });
    const history = await handle.fetchHistory();
    expect(await replayFailures([{ workflowId: handle.workflowId, history }])).toEqual([
      `${handle.workflowId}: no workflow task completed yet, nothing to replay`,
    ]);
    await handle.terminate('test done');
  } finally {
    await conns.close();
  }
}, 60_000);
