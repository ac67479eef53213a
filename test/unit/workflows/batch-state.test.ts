import { finishedAt as at, outcome } from './payout-outcome-fixture.js';
import type { BatchWorkflowInput } from '../../../src/workflows/batch/definitions.js';
import { rowFromOutcome } from '../../../src/workflows/batch/report.js';
import {
  attemptKeyOf,
  cancel,
  createBatchRun,
  firstPollMs,
  pause,
  recordOutcome,
  recordRevision,
  refuseWhenClosed,
  resume,
} from '../../../src/workflows/batch/state.js';

const nowMs = Date.parse(at);
const input: BatchWorkflowInput = {
  batchId: 'b1',
  source: { itemCount: 10, pageSize: 4, pageCount: 3 },
  options: { stopAfterConsecutiveSystemicFailures: 2 },
};

function runWithInFlight(...entries: Array<{ payoutId: string; attempt?: number }>) {
  const run = createBatchRun(input, nowMs);
  run.state.inFlight = entries.map((entry, seq) => ({ ...entry, seq }));
  run.state.cursor = entries.length;
  return run;
}

test('a first run starts from nothing; a continued run keeps its state and rows, and asks for the carried ids', () => {
  const first = createBatchRun(input, nowMs);
  expect(first.state).toMatchObject({ run: 1, startedAt: at, cursor: 0, inFlight: [] });
  expect(first.nextPollAt).toBe(nowMs + firstPollMs);
  const rows = [rowFromOutcome(0, outcome('a'))];
  const state = { ...first.state, run: 2, cursor: 3, inFlight: [{ payoutId: 'c', seq: 2 }] };
  const next = createBatchRun({ ...input, state, rows }, nowMs);
  expect(next.state.run).toBe(2);
  expect(next.rows).toBe(rows);
  expect([...next.carried]).toEqual(['c']);
});

test('an outcome is counted once, with its row; a repeat changes nothing', () => {
  const run = runWithInFlight({ payoutId: 'a' }, { payoutId: 'b' });
  recordOutcome(run, outcome('a'), at);
  recordOutcome(run, outcome('a'), at);
  expect(run.state.counts.succeeded).toBe(1);
  expect(run.rows.map((row) => row.payoutId)).toEqual(['a']);
  expect(run.changes).toBe(1);
});

test('a retry run waits for the attempt it started: news of an earlier attempt is not counted', () => {
  const run = runWithInFlight({ payoutId: 'a', attempt: 2 });
  expect(attemptKeyOf(run, 'a')).toBe('a.a2');
  recordOutcome(run, outcome('a', { status: 'declined', attempt: 1 }), at);
  expect(run.state.inFlight).toHaveLength(1);
  recordOutcome(run, outcome('a', { attempt: 2 }), at);
  expect(run.state.inFlight).toHaveLength(0);
  expect(run.state.counts.succeeded).toBe(1);
});

test('the outcome that trips the circuit breaker returns the pause', () => {
  const run = runWithInFlight({ payoutId: 'a' }, { payoutId: 'b' });
  const systemic = { status: 'declined' as const, failureClass: 'systemic' as const, code: 'auth' };
  expect(recordOutcome(run, outcome('a', systemic), at)).toBeUndefined();
  expect(recordOutcome(run, outcome('b', systemic), at)).toMatchObject({ by: 'circuit_breaker', since: at });
  expect(run.state.paused?.by).toBe('circuit_breaker');
});

test('a revision of an item already counted moves it to its new status and replaces its row', () => {
  const run = runWithInFlight({ payoutId: 'a' });
  recordOutcome(run, outcome('a', { status: 'needs_review' }), at);
  recordRevision(run, { seq: 0, previous: 'needs_review', outcome: outcome('a') }, at);
  expect(run.state.counts).toMatchObject({ needs_review: 0, succeeded: 1 });
  expect(run.state.succeededAmounts).toEqual({ RUB: 1_000 });
  expect(run.rows.map((row) => row.status)).toEqual(['needs_review', 'succeeded']);
});

test('a revision of a child still in flight counts as its outcome', () => {
  const run = runWithInFlight({ payoutId: 'a' });
  recordRevision(run, { seq: 0, previous: 'succeeded', outcome: outcome('a', { status: 'needs_review' }) }, at);
  expect(run.state.inFlight).toEqual([]);
  expect(run.state.counts).toMatchObject({ succeeded: 0, needs_review: 1 });
});

test('pause, resume and cancel change the state; a cancelled or finishing batch refuses them', () => {
  const run = runWithInFlight();
  pause(run, {}, at);
  expect(run.state.paused).toEqual({ reason: 'paused by an operator', by: 'operator', since: at });
  run.state.consecutiveSystemicFailures = 2;
  run.state.balanceChecked = true;
  resume(run, { reason: 'balance topped up' }, at);
  expect(run.state.resumed).toEqual({ reason: 'balance topped up', at });
  expect(run.state).toMatchObject({ consecutiveSystemicFailures: 0, balanceChecked: false });
  expect(run.state.paused).toBeUndefined();
  expect(() => refuseWhenClosed(run)).not.toThrow();
  cancel(run, { reason: 'wrong file' }, at);
  expect(() => refuseWhenClosed(run)).toThrow('batch b1 was cancelled: wrong file');
  expect(run.changes).toBe(3);
  const finishing = runWithInFlight();
  finishing.finishing = true;
  expect(() => refuseWhenClosed(finishing)).toThrow('batch b1 has finished all its items');
});
