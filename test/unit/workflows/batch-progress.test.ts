import { finishedAt as at, outcome } from './payout-outcome-fixture.js';
import { addTotals, eventHeadroom } from '../../../src/workflows/batch/definitions.js';
import { batchOptionsSchema } from '../../../src/workflows/batch/schemas.js';
import {
  applyOutcome,
  countUnstarted,
  emptyCounts,
  hasRevisions,
  initialState,
  moveItem,
  pageOf,
  progressDetails,
  progressView,
  shouldContinueAsNew,
} from '../../../src/workflows/batch/progress.js';

const source = { itemCount: 10, pageSize: 4, pageCount: 3 };

function stateWithInFlight(...payoutIds: string[]) {
  const state = initialState(at);
  state.inFlight = payoutIds.map((payoutId, seq) => ({ payoutId, seq }));
  state.cursor = payoutIds.length;
  state.notBeforePassed = true;
  return state;
}

test('an outcome is counted once, with the amount paid per currency', () => {
  const state = stateWithInFlight('a', 'b', 'c');
  expect(applyOutcome(state, outcome('a'), 3, at).counted).toBe(true);
  expect(applyOutcome(state, outcome('a'), 3, at).counted).toBe(false);
  applyOutcome(state, outcome('b', { currency: 'EUR', amount: 250 }), 3, at);
  applyOutcome(state, outcome('c', { status: 'declined', failureClass: 'declined' }), 3, at);
  expect(state.counts).toMatchObject({ succeeded: 2, declined: 1 });
  expect(state.succeededAmounts).toEqual({ RUB: 1_000, EUR: 250 });
  expect(state.inFlight).toEqual([]);
});

test('an outcome for a payout not in flight changes nothing', () => {
  const state = stateWithInFlight('a');
  expect(applyOutcome(state, outcome('elsewhere'), 3, at)).toEqual({ counted: false });
  expect(state.counts.succeeded).toBe(0);
});

test('the breaker trips on the Nth systemic failure in a row and says why', () => {
  const state = stateWithInFlight('a', 'b', 'c', 'd');
  const systemic = (id: string) =>
    outcome(id, { status: 'declined', failureClass: 'systemic', code: '3028', message: 'Insufficient funds' });
  expect(applyOutcome(state, systemic('a'), 3, at).tripped).toBeUndefined();
  expect(applyOutcome(state, systemic('b'), 3, at).tripped).toBeUndefined();
  const effect = applyOutcome(state, systemic('c'), 3, at);
  expect(effect.tripped).toEqual({
    by: 'circuit_breaker',
    since: at,
    reason: 'circuit breaker: 3 systemic failures in a row (last: 3028 Insufficient funds)',
  });
  expect(state.paused).toEqual(effect.tripped);
});

test('any other outcome resets the count, and a cancelled batch never trips', () => {
  const state = stateWithInFlight('a', 'b', 'c', 'd');
  const systemic = (id: string) => outcome(id, { status: 'declined', failureClass: 'systemic' });
  applyOutcome(state, systemic('a'), 2, at);
  applyOutcome(state, outcome('b', { status: 'declined', failureClass: 'declined' }), 2, at);
  expect(state.consecutiveSystemicFailures).toBe(0);
  state.cancelled = { reason: 'stop', at };
  applyOutcome(state, systemic('c'), 2, at);
  applyOutcome(state, systemic('d'), 2, at);
  expect(state.paused).toBeUndefined();
});

test('the progress view adds up: finished, in flight, remaining', () => {
  const state = stateWithInFlight('a', 'b', 'c');
  applyOutcome(state, outcome('a'), 3, at);
  countUnstarted(state, 'duplicate');
  state.cursor = 4;
  const view = progressView({ batchId: 'b-1', source }, state, { finishing: false });
  expect(view).toMatchObject({ state: 'running', total: 10, started: 4, finished: 2, inFlight: 2, remaining: 8 });
  expect(progressDetails(view)).toContain('2/10 finished, 2 in flight');
});

test('the state reads in the order that matters: finishing, cancelling, paused, scheduled, running', () => {
  const state = initialState(at);
  const stateOf = (finishing = false) => progressView({ batchId: 'b', source }, state, { finishing }).state;
  expect(stateOf()).toBe('scheduled');
  state.notBeforePassed = true;
  expect(stateOf()).toBe('running');
  state.paused = { reason: 'x', by: 'operator', since: at };
  expect(stateOf()).toBe('paused');
  state.cancelled = { reason: 'y', at };
  expect(stateOf()).toBe('cancelling');
  expect(stateOf(true)).toBe('finishing');
  const done = progressView({ batchId: 'b', source }, state, { finishing: false, report: { path: 'r.csv', rows: 10 } });
  expect(done.state).toBe('completed');
});

test('a run continues as new while the events still to come fit under the limit', () => {
  const headroom = eventHeadroom(50);
  expect(shouldContinueAsNew(8_000 - headroom - 1, 8_000, 50)).toBe(false);
  expect(shouldContinueAsNew(8_000 - headroom, 8_000, 50)).toBe(true);
});

test('options refuse an event limit that leaves no room for payouts', () => {
  expect(batchOptionsSchema.safeParse({ concurrency: 50, maxEventsPerRun: 300 }).success).toBe(false);
  expect(batchOptionsSchema.parse({})).toMatchObject({ concurrency: 50, stopAfterConsecutiveSystemicFailures: 10 });
});

test('items find their page by position', () => {
  expect(pageOf(0, 200)).toEqual({ page: 0, offset: 0 });
  expect(pageOf(199, 200)).toEqual({ page: 0, offset: 199 });
  expect(pageOf(200, 200)).toEqual({ page: 1, offset: 0 });
});

test('a settled review moves the item to its new status; the amount paid grows by that success only', () => {
  const state = stateWithInFlight('a', 'b');
  applyOutcome(state, outcome('a', { status: 'needs_review' }), 10, at);
  applyOutcome(state, outcome('b', { amount: 500 }), 10, at);
  moveItem(state, 'needs_review', outcome('a', { amount: 1_000 }));
  expect(state.counts).toMatchObject({ succeeded: 2, needs_review: 0 });
  expect(state.succeededAmounts).toEqual({ RUB: 1_500 });
  // The same status again (a revision that changes nothing) moves nothing.
  moveItem(state, 'succeeded', outcome('a'));
  expect(state.counts).toMatchObject({ succeeded: 2, needs_review: 0 });
});

test('a contradicted success leaves succeeded and the amount paid; a currency paid nothing disappears', () => {
  const state = stateWithInFlight('a', 'b');
  applyOutcome(state, outcome('a', { currency: 'EUR', amount: 700 }), 10, at);
  applyOutcome(state, outcome('b'), 10, at);
  moveItem(state, 'succeeded', outcome('a', { status: 'needs_review', currency: 'EUR', amount: 700 }));
  expect(state.counts).toMatchObject({ succeeded: 1, needs_review: 1 });
  expect(state.succeededAmounts).toEqual({ RUB: 1_000 });
});

test('changes recorded at pages add to a closed batch’s totals, and an empty change is recognised', () => {
  const change = { counts: emptyCounts(), succeededAmounts: {} };
  expect(hasRevisions(change)).toBe(false);
  moveItem(change, 'needs_review', outcome('a', { amount: 300 }));
  expect(hasRevisions(change)).toBe(true);
  const closed = {
    counts: { ...emptyCounts(), succeeded: 1, needs_review: 1 },
    succeededAmounts: { RUB: 200 },
    total: 2,
  };
  const now = addTotals(closed, [change, { counts: emptyCounts(), succeededAmounts: {} }]);
  expect(now).toEqual({ counts: { ...emptyCounts(), succeeded: 2 }, succeededAmounts: { RUB: 500 }, total: 2 });
  // The closed totals themselves are not touched.
  expect(closed.counts.needs_review).toBe(1);
});
