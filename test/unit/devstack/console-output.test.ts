// `npm start` output: on a terminal one pino-pretty line per event behind the process's colour-tagged name;
// elsewhere JSON lines that name the process.
import { consoleModeFor, lineFormatter } from '../../../src/devstack/console-output.js';

const event = {
  level: 30,
  time: Date.UTC(2026, 11, 5, 9, 30),
  pid: 4242,
  hostname: 'box',
  name: 'worker',
  msg: 'polling',
};

test('a terminal gets pretty lines, a pipe gets JSON', () => {
  expect(consoleModeFor({ isTTY: true })).toBe('pretty');
  expect(consoleModeFor({ isTTY: false })).toBe('json');
  expect(consoleModeFor({})).toBe('json');
});

test('pretty: one line per event behind the tag, the level and message readable, pid and host dropped', () => {
  const format = lineFormatter({ mode: 'pretty', colour: false });
  const line = format('worker-1', JSON.stringify({ ...event, taskQueue: 'payouts' }));
  expect(line).toMatch(/^\[worker-1 {4}\] \[\d\d:\d\d:\d\d\.\d{3}\] INFO: polling \{"taskQueue":"payouts"\}$/);
  expect(line).not.toContain('4242');
  const error = format(
    'relay',
    JSON.stringify({ ...event, level: 50, msg: 'failed', err: { stack: 'Error: x\n  at y' } }),
  );
  expect(error.split('\n')).toHaveLength(1);
  expect(error).toMatch(/^\[relay {7}\] .*ERROR: failed/);
});

test('pretty with colours: each process keeps its own colour', () => {
  const format = lineFormatter({ mode: 'pretty', colour: true });
  const escape = String.fromCharCode(27);
  const tagOf = (name: string) => format(name, 'text').split('[')[1];
  expect(format('worker', 'text').startsWith(`${escape}[`)).toBe(true);
  expect(tagOf('worker')).toBe(tagOf('worker'));
  expect(tagOf('relay')).not.toBe(tagOf('worker'));
});

test('a line that is not a pino event is shown as it came', () => {
  const format = lineFormatter({ mode: 'pretty', colour: false, tagWidth: 0 });
  expect(format('temporal', 'plain text')).toBe('[temporal] plain text');
  const report = format('worker', JSON.stringify({ ...event, msg: 'bundle\nmodules\ncompiled' }));
  expect(report).toMatch(/INFO: bundle \(\+2 lines in its log\)$/);
  expect(JSON.parse(lineFormatter({ mode: 'json' })('temporal', 'plain text'))).toEqual({
    process: 'temporal',
    msg: 'plain text',
  });
});

test('json: the event unchanged, with the process named first', () => {
  const line = lineFormatter({ mode: 'json' })('worker-2', JSON.stringify(event));
  expect(JSON.parse(line)).toEqual({ process: 'worker-2', ...event });
  expect(line.startsWith('{"process":"worker-2",')).toBe(true);
});
