import { bar, describeBatch, formatDuration, progressLine, ratePerSecond } from '../../../src/cli/progress.js';
import type { BatchProgress } from '../../../src/workflows/batch/definitions.js';

const view = (fields: Partial<BatchProgress> = {}): BatchProgress => ({
  batchId: 'b-1',
  state: 'running',
  total: 1_000,
  started: 450,
  finished: 400,
  inFlight: 50,
  remaining: 600,
  counts: { succeeded: 390, declined: 8, rejected: 0, cancelled: 0, needs_review: 0, duplicate: 2 },
  succeededAmounts: { RUB: 58_500_000 },
  consecutiveSystemicFailures: 0,
  run: 2,
  pageCount: 5,
  startedAt: '2026-01-01T00:00:00Z',
  ...fields,
});

test('done/total, rate since watching began, ETA and the counts that are not zero', () => {
  const line = progressLine(view(), { startFinished: 100, startedAtMs: 0, nowMs: 10_000 });
  expect(line).toBe(
    '[########------------] 400/1000 40% · 30.0/s · ETA 0:20 · in flight 50 · succeeded 390, declined 8, duplicate 2',
  );
});

test('no rate and no ETA before anything finished while watching', () => {
  const sample = { startFinished: 400, startedAtMs: 0, nowMs: 5_000 };
  expect(ratePerSecond(view(), sample)).toBeUndefined();
  expect(progressLine(view(), sample)).toContain('rate - · ETA -');
});

test('a paused batch says why on the progress line', () => {
  const paused = view({
    paused: { reason: 'circuit breaker: 10 systemic failures in a row', by: 'circuit_breaker', since: 'x' },
  });
  expect(progressLine(paused, { startFinished: 0, startedAtMs: 0, nowMs: 1 })).toMatch(/PAUSED: circuit breaker/);
});

test('the bar, durations and the status summary', () => {
  expect(bar(0, 10, 10)).toBe('[----------]');
  expect(bar(10, 10, 10)).toBe('[##########]');
  expect(formatDuration(3_725)).toBe('1:02:05');
  expect(formatDuration(59.6)).toBe('1:00');
  expect(describeBatch(view())).toContain('  paid 585 000.00 RUB');
});

test('a batch waiting for a second person says so on the progress line, not just a frozen bar', () => {
  const waiting = view({
    state: 'awaiting_approval',
    approval: { reason: 'RUB total above threshold', deadline: '2026-01-04T00:00:00Z' },
  });
  expect(progressLine(waiting, { startFinished: 0, startedAtMs: 0, nowMs: 1 })).toContain(
    'AWAITING APPROVAL until 2026-01-04T00:00:00Z: RUB total above threshold',
  );
});
