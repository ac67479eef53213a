import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import type { BatchItem } from '../../../src/workflows/batch/definitions.js';
import {
  addStarted,
  approvalDeadlineReason,
  approvalRefusal,
  approve,
  refuseApproval,
  remainingAmounts,
  shortfallReason,
} from '../../../src/workflows/batch/gates.js';
import { initialState, progressDetails, progressView } from '../../../src/workflows/batch/progress.js';

const at = '2026-01-01T00:00:00.000Z';
const source = { itemCount: 3, pageSize: 2, pageCount: 2 };
const gated = {
  batchId: 'b-1',
  source,
  submittedBy: 'alice',
  approval: { reason: 'RUB total 2 000 000.00 RUB is above the 1 000 000.00 RUB threshold' },
};

function item(seq: number, provider: 'rbkmoney' | 'ecommpay', amount: number, duplicateOf?: number): BatchItem {
  const request = payoutRequestSchema.parse({
    payoutId: `p-${seq}`,
    provider,
    amount,
    currency: 'RUB',
    card: { token: 'tok' },
  });
  return { seq, request, requestHash: 'h', ...(duplicateOf === undefined ? {} : { duplicateOf }) };
}

describe('approval', () => {
  test('the submitter may not approve, whatever the case or spaces; someone else may', () => {
    const state = initialState(at);
    expect(approvalRefusal(gated, state, 'approve', { by: ' Alice ' })).toBe(
      ' Alice  submitted batch b-1: someone else must approve it',
    );
    expect(approvalRefusal(gated, state, 'approve', { by: 'bob' })).toBeUndefined();
  });

  test('a second decision is refused, naming the first', () => {
    const state = initialState(at);
    approve(state, 'bob', at);
    expect(approvalRefusal(gated, state, 'approve', { by: 'carol' })).toBe(
      `batch b-1 was already approved by bob at ${at}`,
    );
    expect(approvalRefusal(gated, state, 'reject', { by: 'carol', reason: 'late' })).toContain('already approved');
  });

  test('a batch that needs no approval refuses both; a rejection needs a reason and a name', () => {
    const state = initialState(at);
    expect(approvalRefusal({ batchId: 'b-2' }, state, 'approve', { by: 'bob' })).toBe('batch b-2 needs no approval');
    expect(approvalRefusal(gated, state, 'reject', { by: 'bob' })).toBe('a rejection needs a reason');
    expect(approvalRefusal(gated, state, 'reject', { by: ' ', reason: 'no' })).toBe('name who decides (by)');
    // The submitter may withdraw their own batch.
    expect(approvalRefusal(gated, state, 'reject', { by: 'alice', reason: 'wrong file' })).toBeUndefined();
  });

  test('rejection cancels the batch with the reason; the view says rejected', () => {
    const state = initialState(at);
    state.notBeforePassed = true;
    refuseApproval(state, { decision: 'rejected', by: 'bob', at, reason: 'amounts look wrong' });
    expect(state.cancelled).toEqual({ reason: 'rejected by bob: amounts look wrong', at });
    const view = progressView(gated, state, { finishing: false });
    expect(view.state).toBe('rejected');
    expect(view.approval?.decision).toEqual({ decision: 'rejected', by: 'bob', at, reason: 'amounts look wrong' });
    expect(progressDetails(view)).toContain('**rejected** (rejected by bob: amounts look wrong)');
  });

  test('while it waits, the view and the UI line say why and until when', () => {
    const state = initialState(at);
    state.notBeforePassed = true;
    state.approvalDeadline = '2026-01-04T00:00:00.000Z';
    const view = progressView(gated, state, { finishing: false });
    expect(view.state).toBe('awaiting_approval');
    expect(view.submittedBy).toBe('alice');
    expect(view.approval).toEqual({ reason: gated.approval.reason, deadline: state.approvalDeadline });
    expect(progressDetails(view)).toContain('approved by someone else; ends unpaid at 2026-01-04T00:00:00.000Z');
    approve(state, 'bob', at);
    expect(progressView(gated, state, { finishing: false }).state).toBe('running');
  });

  test('the deadline reason reads in hours', () => {
    expect(approvalDeadlineReason(72 * 3_600_000)).toBe('no approval within 72 h');
    expect(approvalDeadlineReason(3_000)).toBe('no approval within 3 s');
  });
});

describe('balances', () => {
  test('what remains is the total less what was started, repeats inside the batch left out', () => {
    const state = initialState(at);
    addStarted(state, [item(0, 'rbkmoney', 1_000), item(1, 'rbkmoney', 1_000, 0), item(2, 'ecommpay', 300)]);
    expect(state.startedAmounts).toEqual({ rbkmoney: { RUB: 1_000 }, ecommpay: { RUB: 300 } });
    const totals = { rbkmoney: { RUB: 5_000, EUR: 700 }, ecommpay: { RUB: 300 } };
    expect(remainingAmounts(totals, state.startedAmounts)).toEqual({ rbkmoney: { RUB: 4_000, EUR: 700 } });
    expect(remainingAmounts(totals)).toEqual(totals);
  });

  test('the pause reason names the account, its balance and what the batch still needs', () => {
    expect(
      shortfallReason([
        { provider: 'rbkmoney', currency: 'RUB', needed: 500_000, available: { amount: 100_000, currency: 'RUB' } },
      ]),
    ).toBe("RBKmoney wallet balance 1 000.00 RUB is short of the batch's 5 000.00 RUB remaining");
    expect(
      shortfallReason([
        { provider: 'rbkmoney', currency: 'EUR', needed: 5_000, available: { amount: 9, currency: 'RUB' } },
      ]),
    ).toBe("RBKmoney wallet holds RUB (0.09 RUB), not the batch's 50.00 EUR remaining");
  });
});
