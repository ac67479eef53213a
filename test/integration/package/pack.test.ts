// The client library as a service gets it: `npm pack` (dist built by prepack), installed into a fresh project
// from the local npm cache, each entry imported by node, and a small TypeScript file checked against the
// shipped types (typed handles from the definitions, no casts).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CommandOptions, runCommand, runCommandOrThrow } from '../../../src/devstack/commands.js';

const run = (command: string, args: string[], options: CommandOptions = {}) =>
  runCommandOrThrow(`${path.basename(command)} ${args[0] ?? ''}`, command, args, options);
const repo = path.resolve('.');
const env = { ...process.env, npm_config_update_notifier: 'false' };
let dir: string;
let app: string;

/**
 * The app's lock is the repository's, so npm resolves every dependency from what `npm ci` cached, offline.
 * A service would list @temporalio/client itself (the library's peer dependency).
 */
async function freshProject(): Promise<void> {
  const lock = JSON.parse(await readFile(path.join(repo, 'package-lock.json'), 'utf8')) as {
    name: string;
    packages: Record<string, Record<string, unknown>>;
  };
  const root = lock.packages[''] as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
  const dependencies = { ...root.dependencies, ...root.peerDependencies };
  lock.name = 'app';
  lock.packages[''] = { name: 'app', dependencies };
  for (const entry of Object.values(lock.packages))
    for (const flag of ['dev', 'devOptional', 'peer']) delete entry[flag];
  await writeFile(path.join(app, 'package-lock.json'), JSON.stringify(lock));
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', dependencies }));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'payouts-pack-'));
  app = path.join(dir, 'app');
  await mkdir(app);
  const packed = await run('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: repo, env });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  await freshProject();
  await run(
    'npm',
    [
      'install',
      path.join(dir, filename),
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--legacy-peer-deps',
    ],
    { cwd: app, env },
  );
}, 180_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

test('each entry imports with node: client, codec, notifications, definitions', async () => {
  const script = [
    "const client = await import('payouts/client');",
    "const codec = await import('payouts/codec');",
    "const notifications = await import('payouts/notifications');",
    "const definitions = await import('payouts/definitions');",
    'console.log(JSON.stringify({',
    '  submitAndWait: typeof client.PayoutsClient.prototype.submitAndWait,',
    '  dataConverter: typeof codec.payoutsDataConverter,',
    '  verifyNotification: typeof notifications.verifyNotification,',
    '  update: definitions.awaitOutcomeUpdate.name,',
    '  searchAttribute: definitions.payoutStatusSearchAttribute.name,',
    '  workflowTypes: definitions.workflowTypes,',
    '}));',
  ].join('\n');
  await writeFile(path.join(app, 'entries.mjs'), script);
  const { stdout } = await run(process.execPath, ['entries.mjs'], { cwd: app, env });
  expect(JSON.parse(stdout)).toEqual({
    submitAndWait: 'function',
    dataConverter: 'function',
    verifyNotification: 'function',
    update: 'awaitOutcome',
    searchAttribute: 'PayoutStatus',
    workflowTypes: { payout: 'PayoutWorkflowV3', batch: 'BatchWorkflow', batchPage: 'BatchPageWorkflow' },
  });
});

const typedUse = `
import type { Client } from '@temporalio/client';
import type { PayoutsClient, PayoutOutcome, PayoutRequestInput } from 'payouts/client';
import { payoutsDataConverter, codecFromEnvironment } from 'payouts/codec';
import { verifyNotification } from 'payouts/notifications';
import { awaitOutcomeUpdate, batchProgressQuery, payoutWorkflowId, type BatchProgress, type PayoutWorkflow } from 'payouts/definitions';

export async function typed(client: Client, payouts: PayoutsClient, request: PayoutRequestInput): Promise<void> {
  const handle = client.workflow.getHandle<PayoutWorkflow>(payoutWorkflowId(request.payoutId));
  const result: PayoutOutcome = await handle.result();
  const viaUpdate: PayoutOutcome = await handle.executeUpdate(awaitOutcomeUpdate);
  const progress: BatchProgress = await client.workflow.getHandle('batch-b').query(batchProgressQuery);
  const waited: PayoutOutcome = await payouts.submitAndWait(request, 30_000);
  void [result, viaUpdate, progress, waited, payoutsDataConverter(await codecFromEnvironment()), verifyNotification];
}
`;

const tscArgs = [
  '--noEmit',
  '--strict',
  '--module',
  'nodenext',
  '--moduleResolution',
  'nodenext',
  '--target',
  'es2022',
];

test('a service type-checks against the shipped types; a wrong type is caught', async () => {
  const tsc = path.join(repo, 'node_modules/.bin/tsc');
  await writeFile(path.join(app, 'typed.ts'), typedUse);
  await expect(run(tsc, [...tscArgs, '--skipLibCheck', 'typed.ts'], { cwd: app, env })).resolves.toBeDefined();
  // The check can fail: a workflow result read as the wrong type.
  await writeFile(
    path.join(app, 'wrong.ts'),
    `${typedUse}\nexport const wrong = async (c: Client): Promise<number> => c.workflow.getHandle<PayoutWorkflow>('x').result();\n`,
  );
  const failed = await runCommand(tsc, [...tscArgs, '--skipLibCheck', 'wrong.ts'], { cwd: app, env });
  expect(failed.stdout).toMatch(/wrong\.ts.*TS2322/);
});

test('the installed `payouts` command runs from the built files: --version, and a dry run with no server exits 2 on a bad file', async () => {
  const bin = path.join(app, 'node_modules/.bin/payouts');
  const version = await run(bin, ['--version'], { cwd: app, env });
  const manifest = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as { version: string };
  expect(version.stdout.trim()).toBe(manifest.version);
  await writeFile(path.join(app, 'empty.csv'), 'payout_id,provider,amount,currency,pan\n');
  const dryRun = await runCommand(bin, ['batch', 'validate', 'empty.csv', '-o', 'json'], { cwd: app, env });
  expect(dryRun).toMatchObject({ code: 2 });
  expect(JSON.parse(dryRun.stdout)).toMatchObject({
    rows: 0,
    problems: [{ reason: 'the file has a header but no rows' }],
  });
});
