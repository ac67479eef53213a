// One-off commands (CLIs under test, setup scripts): exit code and output, input, time limit, early stop.
import { CommandFailedError, runCommand, runCommandOrThrow } from '../../../src/devstack/commands.js';

const node = (code: string) => ['-e', code];

test('the exit code and both outputs come back; a non-zero exit does not reject', async () => {
  const run = await runCommand(process.execPath, node("console.log('out'); console.error('err'); process.exit(2)"));
  expect(run).toEqual({ code: 2, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false });
});

test('standard input is written and closed; the environment is the one given', async () => {
  const code = "process.stdin.on('data', (d) => process.stdout.write(d + process.env.GREETING))";
  const run = await runCommand(process.execPath, node(code), { stdin: 'hello ', env: { GREETING: 'world' } });
  expect(run.stdout).toBe('hello world');
});

test('a command past its time limit is killed and says so', async () => {
  const run = await runCommand(process.execPath, node('setInterval(() => {}, 1000)'), { timeoutMs: 300 });
  expect(run).toMatchObject({ timedOut: true, signal: 'SIGKILL', code: 1 });
});

test('stopWhen ends a command once its output says enough', async () => {
  const code = "console.log('listening'); setInterval(() => {}, 1000)";
  const run = await runCommand(process.execPath, node(code), { stopWhen: (output) => output.includes('listening') });
  expect(run).toMatchObject({ signal: 'SIGTERM', timedOut: false });
});

test('runCommandOrThrow names what failed and keeps the result', async () => {
  const failing = runCommandOrThrow('schema setup', process.execPath, node("console.error('no db'); process.exit(1)"));
  await expect(failing).rejects.toBeInstanceOf(CommandFailedError);
  await expect(failing).rejects.toThrow('schema setup failed (exit code 1): no db');
});
