// The sandbox's callback dispatcher on real timers. Conditions are awaited (test/support/wait-for.ts), never
// slept for; an absence is asserted only once a timer due after the moment in question has fired.
import { CallbackDispatcher, type CallbackSender } from '../../../src/sandbox/callbacks.js';
import { defaultFaults, type FaultPatch, Faults } from '../../../src/sandbox/faults.js';
import { Timers } from '../../../src/sandbox/timers.js';
import { pastDeadline, waitFor } from '../../support/wait-for.js';

interface Attempt {
  body: string;
  headers: Record<string, string>;
  at: number;
}

function setup(faultPatch: FaultPatch = {}, answers: Array<number | Error> = [], retryMs = 20) {
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
    { retryMs, maxAttempts: 3, timeoutMs: 500 },
    undefined,
    send,
  );
  const dispatch = (body: string, delayMs = 0) =>
    dispatcher.dispatch({ provider: 'ecommpay', url: 'http://receiver.test/cb', body, delayMs, label: body });
  return { dispatcher, dispatch, attempts, timers, faults };
}

/**
 * A timer may fire a millisecond before Date.now() shows its delay passed (the two clocks round apart): seen
 * as 79 ms for an 80 ms delay in a CI run. Without the delay a callback would go out at about 0 ms.
 */
const timerSlackMs = 2;

describe('CallbackDispatcher', () => {
  test('delivers after the delay, as JSON, once when answered 200', async () => {
    const { dispatch, attempts, dispatcher } = setup();
    const started = Date.now();
    dispatch('a', 60);
    expect(attempts).toHaveLength(0);
    await waitFor(() => dispatcher.stats().ecommpay?.delivered === 1);
    expect(attempts).toEqual([
      { body: 'a', headers: { 'content-type': 'application/json' }, at: expect.any(Number) as number },
    ]);
    expect((attempts[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(60 - timerSlackMs);
    expect(dispatcher.stats()).toEqual({
      ecommpay: { sent: 1, attempts: 1, delivered: 1, failedAttempts: 0, abandoned: 0 },
    });
  });

  test('retries anything but 200 (including no answer) and gives up after maxAttempts', async () => {
    const { dispatch, attempts, dispatcher } = setup({}, [204, new Error('refused'), 500, 200]);
    dispatch('a');
    await waitFor(() => dispatcher.stats().ecommpay?.abandoned === 1);
    // Given up: a retry would have been due 20 ms after the last attempt.
    await pastDeadline(60);
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
    // The drop is decided (and counted) at dispatch: nothing is scheduled for it.
    expect(dropped.faults.injected().ecommpay?.callbacksDropped).toBe(1);
    const duplicated = setup({ callbackDuplicateRate: 1 });
    duplicated.dispatch('b');
    await waitFor(() => duplicated.attempts.length === 2);
    expect(duplicated.attempts.map((attempt) => attempt.body)).toEqual(['b', 'b']);
    expect(dropped.attempts).toHaveLength(0);
    expect(dropped.dispatcher.stats().ecommpay?.attempts ?? 0).toBe(0);
  });

  test('a delayed callback goes out callbackDelayMs late', async () => {
    const { dispatch, attempts } = setup({ callbackDelayRate: 1, callbackDelayMs: 80 });
    const started = Date.now();
    dispatch('a');
    await waitFor(() => attempts.length === 1);
    expect((attempts[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(80 - timerSlackMs);
  });

  test('a held-back callback goes out after the next one, or after the hold time when none comes', async () => {
    const reordered = setup({ callbackReorderRate: 1, callbackReorderHoldMs: 10_000 });
    reordered.dispatch('first', 0);
    reordered.dispatch('second', 20);
    await waitFor(() => reordered.attempts.length === 2);
    expect(reordered.attempts.map((attempt) => attempt.body)).toEqual(['second', 'first']);

    const alone = setup({ callbackReorderRate: 1, callbackReorderHoldMs: 60 });
    const started = Date.now();
    alone.dispatch('only');
    await waitFor(() => alone.attempts.length === 1);
    expect(alone.attempts.map((attempt) => attempt.body)).toEqual(['only']);
    expect((alone.attempts[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(60 - timerSlackMs);
  });

  test('cancelled timers stop pending callbacks and the retries of one in flight', async () => {
    // The delayed one and the retry due 500 ms on: the first attempt is seen long before either.
    const { dispatch, attempts, timers, dispatcher } = setup({}, [500, 500, 500], 500);
    dispatch('later', 500);
    dispatch('now');
    await waitFor(() => dispatcher.stats().ecommpay?.failedAttempts === 1, 20_000, 'the first attempt', 1);
    timers.cancelAll();
    dispatcher.reset();
    // Past both the delayed callback's time and the retry's.
    await pastDeadline(1_000);
    expect(attempts.map((attempt) => attempt.body)).toEqual(['now']);
    expect(dispatcher.stats()).toEqual({});
  });
});
