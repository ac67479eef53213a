import { normalizeCodes } from '../../../src/client/batch-retry.js';
import type { PayoutOutcome } from '../../../src/domain/payout-outcome.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { definitelyDeclined, retryCandidates } from '../../../src/domain/retry-rules.js';
import type { BatchRetryInput, ReportRow } from '../../../src/workflows/batch/definitions.js';
import {
  chooseRetries,
  countRetriesSkipped,
  countRetryStarted,
  maxSkippedSamples,
  retryInfo,
  retryInitialState,
  type RetryPlan,
} from '../../../src/workflows/batch/retry.js';
import { payoutAttemptWorkflowId, workflowIdOfKey } from '../../../src/workflows/definitions.js';

const row = (seq: number, status: ReportRow['status'], extra: Partial<ReportRow> = {}): ReportRow => ({
  seq,
  payoutId: `p-${seq}`,
  status,
  maskedCard: '424242******4242',
  amount: 100,
  currency: 'RUB',
  ...(status === 'duplicate' ? {} : { attempt: 1 }),
  ...extra,
});

const declinedOutcome = (extra: Partial<PayoutOutcome> = {}): PayoutOutcome => ({
  payoutId: 'p-1',
  status: 'declined',
  provider: 'ecommpay',
  amount: 100,
  currency: 'RUB',
  maskedCard: '424242******4242',
  attempt: 1,
  idempotencyKey: 'p-1',
  reference: 'ref-1',
  code: '10101',
  message: 'limit',
  finishedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

test('only items whose latest row is declined are candidates, optionally by code', () => {
  const rows = [
    row(0, 'succeeded'),
    row(1, 'declined', { code: '10101' }),
    row(2, 'declined', { code: '3104' }),
    row(3, 'needs_review'),
    row(4, 'rejected'),
    row(5, 'cancelled'),
    row(6, 'duplicate'),
    // Declined on attempt 1, paid on attempt 2: never again.
    row(7, 'declined', { code: '10101' }),
    row(7, 'succeeded', { attempt: 2 }),
    // Declined twice: the latest attempt counts.
    row(8, 'declined', { code: '10101' }),
    row(8, 'declined', { code: '3105', attempt: 2 }),
  ];
  expect(retryCandidates(rows).map((r) => [r.seq, r.attempt])).toEqual([
    [1, 1],
    [2, 1],
    [8, 2],
  ]);
  expect(retryCandidates(rows, ['10101']).map((r) => r.seq)).toEqual([1]);
  expect(retryCandidates(rows, ['3105', '3104']).map((r) => r.seq)).toEqual([2, 8]);
});

test('a retry follows only a decline the provider confirms, or an attempt it never accepted', () => {
  const declined = { state: 'declined', code: '10101', message: 'limit' } as const;
  const notFound = {
    state: 'unknown',
    reason: 'not found: ecommpay has no payment with this payment_id (3061)',
  } as const;
  expect(definitelyDeclined(declinedOutcome(), declined)).toEqual({ ok: true });
  // Refused at submission (no reference) and unknown to the provider: nothing to pay.
  expect(definitelyDeclined(declinedOutcome({ reference: undefined }), notFound)).toEqual({ ok: true });

  const refusals: Array<[PayoutOutcome | undefined, Parameters<typeof definitelyDeclined>[1], RegExp]> = [
    [declinedOutcome(), notFound, /no longer knows attempt 1/],
    [declinedOutcome(), { state: 'pending' }, /still shows attempt 1 pending/],
    [declinedOutcome(), { state: 'needs_clarification', fields: ['x'] }, /awaiting clarification/],
    [declinedOutcome(), { state: 'succeeded' }, /succeeded: needs review/],
    [declinedOutcome(), { state: 'unknown', reason: 'status lookup failed: timeout' }, /status lookup failed/],
    [declinedOutcome({ status: 'needs_review' }), declined, /is now needs_review/],
    [undefined, declined, /no outcome yet/],
  ];
  for (const [outcome, provider, reason] of refusals) {
    const verdict = definitelyDeclined(outcome, provider);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  }
});

const retry: BatchRetryInput = {
  round: 1,
  counts: { succeeded: 5, declined: 3, rejected: 0, cancelled: 0, needs_review: 1, duplicate: 1 },
  succeededAmounts: { RUB: 500 },
  runs: 2,
};

test('a retry run starts from the batch totals and moves each retried item out of declined', () => {
  const state = retryInitialState(retry, '2026-01-01T00:00:00Z');
  expect(state).toMatchObject({ run: 3, cursor: 0, notBeforePassed: true, succeededAmounts: { RUB: 500 } });
  countRetryStarted(state);
  expect(state.counts.declined).toBe(2);
  expect(retryInfo(retry, state)).toEqual({ retry: { round: 1, retried: 1, skipped: 0, skippedSamples: [] } });
  expect(retryInfo(undefined, state)).toEqual({});
  // The totals given did not change.
  expect(retry.counts.declined).toBe(3);
});

const request = payoutRequestSchema.parse({
  payoutId: 'p-1',
  provider: 'ecommpay',
  amount: 100,
  currency: 'RUB',
  card: { pan: '4242424242424242' },
});
const item = (seq: number) => ({ seq, request, requestHash: 'h', attempt: 2 });

test('the window takes what it has room for; the cursor passes a page once all its retries started', () => {
  const plan: RetryPlan = { items: [item(3), item(7), item(9)], skipped: [] };
  expect(chooseRetries(plan, 0, 2, 10)).toMatchObject({ cursor: 8, chosen: [{ seq: 3 }, { seq: 7 }] });
  expect(chooseRetries(plan, 8, 2, 10)).toMatchObject({ cursor: 10, chosen: [{ seq: 9 }] });
  expect(chooseRetries(plan, 0, 0, 10)).toMatchObject({ cursor: 0, chosen: [] });
  expect(chooseRetries({ items: [], skipped: [] }, 0, 5, 10)).toEqual({ cursor: 10, chosen: [] });
});

test('skipped items are counted once, when the cursor passes them, with a bounded list of reasons', () => {
  const state = retryInitialState(retry, '2026-01-01T00:00:00Z');
  const skipped = Array.from({ length: maxSkippedSamples + 5 }, (_, seq) => ({
    seq,
    payoutId: `p-${seq}`,
    reason: 'pending',
  }));
  const plan: RetryPlan = { items: [], skipped };
  countRetriesSkipped(state, plan, 0, 10);
  // A new run re-plans the same page from its cursor: the first ten are not counted again.
  countRetriesSkipped(state, plan, 10, 200);
  expect(state.retry?.skipped).toBe(maxSkippedSamples + 5);
  expect(state.retry?.skippedSamples).toHaveLength(maxSkippedSamples);
});

test("each attempt has its own workflow, and a provider key leads to its attempt's workflow", () => {
  expect(payoutAttemptWorkflowId('p-1', 1)).toBe('payout-p-1');
  expect(payoutAttemptWorkflowId('p-1', 3)).toBe('payout-p-1.a3');
  expect(workflowIdOfKey('p-1')).toBe('payout-p-1');
  expect(workflowIdOfKey('p-1.a3')).toBe('payout-p-1.a3');
});

test('codes are trimmed and deduplicated; free text is refused', () => {
  expect(normalizeCodes([' 10101', '3104', '10101', ''])).toEqual(['10101', '3104']);
  expect(normalizeCodes(undefined)).toEqual([]);
  expect(() => normalizeCodes(['rm -rf'])).toThrow(/not a provider code/);
});
