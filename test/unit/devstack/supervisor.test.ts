// The stack's supervisor: every process logs to its file, one that dies on its own is reported, one stopped
// or killed through the supervisor is not, and stopAll stops the newest first.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type SupervisedProcess, Supervisor } from '../../../src/devstack/supervisor.js';

let logDir: string;
beforeEach(async () => {
  logDir = await mkdtemp(path.join(os.tmpdir(), 'payouts-supervisor-'));
});
afterEach(async () => rm(logDir, { recursive: true, force: true }));

const node = (code: string) => [process.execPath, ['-e', code]] as const;
const lingering = node("console.log(JSON.stringify({ level: 30, msg: 'up' })); setInterval(() => {}, 1000);");
const exitsWith = (code: number) => node(`console.error('giving up'); process.exit(${code});`);

test('a process that dies on its own is reported with how it ended and where its log is', async () => {
  const reported: string[] = [];
  const supervisor = new Supervisor({
    logDir,
    onUnexpectedExit: (supervised, how) => reported.push(`${supervised.name}: ${how}`),
  });
  const relay = supervisor.start('relay', ...exitsWith(3));
  expect(await relay.exit).toBe('code 3');
  expect(reported).toEqual(['relay: code 3']);
  expect(supervisor.unexpectedExits).toEqual([
    { name: 'relay', how: 'code 3', logFile: path.join(logDir, 'relay.log') },
  ]);
  expect(await readFile(relay.logFile, 'utf8')).toContain('giving up');
  expect(supervisor.running).toEqual([]);
});

test('a SIGKILL or a stop through the supervisor is expected: nothing is reported', async () => {
  const reported: string[] = [];
  const supervisor = new Supervisor({ logDir, onUnexpectedExit: (supervised) => reported.push(supervised.name) });
  const worker = supervisor.start('worker-1', ...lingering);
  const sandbox = supervisor.start('sandbox', ...lingering);
  await worker.kill();
  expect(await worker.exit).toBe('SIGKILL');
  await sandbox.stop();
  expect(await sandbox.exit).toBe('SIGTERM');
  expect(reported).toEqual([]);
  expect(worker.exited && sandbox.exited).toBe(true);
});

test('stopAll stops the newest first (workers before the services and the server they use)', async () => {
  const supervisor = new Supervisor({ logDir });
  const started = ['temporal', 'sandbox', 'worker-1'].map((name) => supervisor.start(name, ...lingering));
  const order: string[] = [];
  started.forEach((supervised: SupervisedProcess) => void supervised.exit.then(() => order.push(supervised.name)));
  await supervisor.stopAll();
  expect(order).toEqual(['worker-1', 'sandbox', 'temporal']);
  expect(supervisor.unexpectedExits).toEqual([]);
});

test('with a console, each line goes to the log file as printed and to the console tagged with the process', async () => {
  const lines: string[] = [];
  const supervisor = new Supervisor({ logDir, console: 'json', writeLine: (line) => lines.push(line) });
  const worker = supervisor.start('worker-2', ...lingering);
  await waitUntil(() => lines.length > 0);
  await worker.stop();
  expect(lines).toEqual([JSON.stringify({ process: 'worker-2', level: 30, msg: 'up' })]);
  await waitUntil(async () => (await readFile(worker.logFile, 'utf8')).length > 0);
  expect(await readFile(worker.logFile, 'utf8')).toBe(`${JSON.stringify({ level: 30, msg: 'up' })}\n`);
});

test('a command that cannot start is reported, not thrown away', async () => {
  const reported: string[] = [];
  const supervisor = new Supervisor({ logDir, onUnexpectedExit: (_, how) => reported.push(how) });
  const missing = supervisor.start('missing', path.join(logDir, 'no-such-binary'), []);
  expect(await missing.exit).toMatch(/^could not start: .*ENOENT/);
  expect(reported).toHaveLength(1);
});

async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 100) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
