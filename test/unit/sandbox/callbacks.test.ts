import { CallbackDispatcher, type CallbackSender } from '../../../src/sandbox/callbacks.js';
import { defaultFaults, type FaultPatch, Faults } from '../../../src/sandbox/faults.js';
import { Timers } from '../../../src/sandbox/timers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Attempt {
  body: string;
  headers: Record<string, string>;
  at: number;
}

function setup(faultPatch: FaultPatch = {}, answers: Array<number | Error> = []) {
  const faults = new Faults({ ...defaultFaults, ...faultPatch });
  const timers = new Timers();
  const attempts: Attempt[] = [];
  const send: CallbackSender = async (_url, body, headers) => {
    attempts.push({ body, headers, at: Date.now() });
    const answer = answers.shift() ?? 200;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const dispatcher = new CallbackDispatcher(
    faults,
    timers,
    { retryMs: 20, maxAttempts: 3, timeoutMs: 500 },
    undefined,
    send,
  );
  const dispatch = (body: string, delayMs = 0) =>
    dispatcher.dispatch({ provider: 'ecommpay', url: 'http://receiver.test/cb', body, delayMs, label: body });
  return { dispatcher, dispatch, attempts, timers, faults };
}

describe('CallbackDispatcher', () => {
  test('delivers after the delay, as JSON, once when answered 200', async () => {
    const { dispatch, attempts, dispatcher } = setup();
    const started = Date.now();
    dispatch('a', 60);
    await sleep(30);
    expect(attempts).toHaveLength(0);
    await sleep(80);
    expect(attempts).toEqual([
      { body: 'a', headers: { 'content-type': 'application/json' }, at: expect.any(Number) as number },
    ]);
    expect((attempts[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(60);
    expect(dispatcher.stats()).toEqual({
      ecommpay: { sent: 1, attempts: 1, delivered: 1, failedAttempts: 0, abandoned: 0 },
    });
  });

  test('retries anything but 200 (including no answer) and gives up after maxAttempts', async () => {
    const { dispatch, attempts, dispatcher } = setup({}, [204, new Error('refused'), 500, 200]);
    dispatch('a');
    await sleep(150);
    expect(attempts).toHaveLength(3);
    expect(dispatcher.stats().ecommpay).toEqual({
      sent: 1,
      attempts: 3,
      delivered: 0,
      failedAttempts: 3,
      abandoned: 1,
    });
  });

  test('a dropped callback is never sent; a duplicated one twice', async () => {
    const dropped = setup({ callbackDropRate: 1 });
    dropped.dispatch('a');
    const duplicated = setup({ callbackDuplicateRate: 1 });
    duplicated.dispatch('b');
    await sleep(50);
    expect(dropped.attempts).toHaveLength(0);
    expect(duplicated.attempts.map((attempt) => attempt.body)).toEqual(['b', 'b']);
  });

  test('a delayed callback goes out callbackDelayMs late', async () => {
    const { dispatch, attempts } = setup({ callbackDelayRate: 1, callbackDelayMs: 80 });
    dispatch('a');
    await sleep(40);
    expect(attempts).toHaveLength(0);
    await sleep(80);
    expect(attempts).toHaveLength(1);
  });

  test('a held-back callback goes out after the next one, or after the hold time when none comes', async () => {
    const reordered = setup({ callbackReorderRate: 1, callbackReorderHoldMs: 1_000 });
    reordered.dispatch('first', 0);
    reordered.dispatch('second', 20);
    await sleep(80);
    expect(reordered.attempts.map((attempt) => attempt.body)).toEqual(['second', 'first']);

    const alone = setup({ callbackReorderRate: 1, callbackReorderHoldMs: 60 });
    alone.dispatch('only');
    await sleep(30);
    expect(alone.attempts).toHaveLength(0);
    await sleep(80);
    expect(alone.attempts.map((attempt) => attempt.body)).toEqual(['only']);
  });

  test('cancelled timers stop pending callbacks and the retries of one in flight', async () => {
    const { dispatch, attempts, timers, dispatcher } = setup({}, [500, 500, 500]);
    dispatch('later', 50);
    dispatch('now');
    await sleep(5);
    timers.cancelAll();
    dispatcher.reset();
    await sleep(120);
    expect(attempts.map((attempt) => attempt.body)).toEqual(['now']);
    expect(dispatcher.stats()).toEqual({});
  });
});
