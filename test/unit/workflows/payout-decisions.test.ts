import {
  adoptReference,
  claimMismatch,
  decideClosed,
  decideOpen,
  describe as describeStatus,
  nextPollDelay,
} from '../../../src/workflows/payout/decisions.js';

const sent = { amount: 150_000, currency: 'RUB' };

describe('decideOpen: a status while the payout waits', () => {
  it('finishes as succeeded when the amounts agree or none was reported', () => {
    expect(decideOpen({ state: 'succeeded' }, sent)).toEqual({ kind: 'finish', status: 'succeeded' });
    expect(decideOpen({ state: 'succeeded' }, sent, { value: 150_000, currency: 'RUB' })).toEqual({
      kind: 'finish',
      status: 'succeeded',
    });
  });

  it('sends a success for a different amount or currency to review, never to succeeded', () => {
    expect(decideOpen({ state: 'succeeded' }, sent, { value: 150_001, currency: 'RUB' })).toEqual({
      kind: 'review',
      reason: 'provider reports 150001 RUB, we sent 150000 RUB',
    });
    expect(decideOpen({ state: 'succeeded' }, sent, { value: 150_000, currency: 'USD' }).kind).toBe('review');
  });

  it('finishes as declined with the provider code and message', () => {
    expect(decideOpen({ state: 'declined', code: '3104', message: 'Card is blocked' }, sent)).toEqual({
      kind: 'finish',
      status: 'declined',
      code: '3104',
      message: 'Card is blocked',
    });
  });

  it('asks for clarification with the requested fields, and keeps waiting on pending or unknown', () => {
    expect(decideOpen({ state: 'needs_clarification', fields: ['sender.phone'] }, sent)).toEqual({
      kind: 'clarify',
      fields: ['sender.phone'],
    });
    expect(decideOpen({ state: 'pending' }, sent)).toEqual({ kind: 'wait' });
    expect(decideOpen({ state: 'unknown', reason: 'not found' }, sent)).toEqual({ kind: 'wait' });
  });
});

describe('decideClosed: a status after the terminal state', () => {
  it('ignores the same news again and stale intermediate statuses', () => {
    expect(decideClosed({ state: 'succeeded' }, 'succeeded')).toEqual({ kind: 'ignore' });
    expect(decideClosed({ state: 'declined', code: '3104', message: 'x' }, 'declined')).toEqual({ kind: 'ignore' });
    expect(decideClosed({ state: 'pending' }, 'succeeded')).toEqual({ kind: 'ignore' });
    expect(decideClosed({ state: 'needs_clarification', fields: [] }, 'declined')).toEqual({ kind: 'ignore' });
  });

  it('sends a contradiction (reversal, opposite result) to review with a reason naming both', () => {
    const reversed = decideClosed({ state: 'unknown', reason: 'reversed: refund' }, 'succeeded');
    expect(reversed).toEqual({
      kind: 'review',
      reason: 'after the payout ended as succeeded, the provider reported unknown (reversed: refund)',
    });
    const flipped = decideClosed({ state: 'declined', code: '3105', message: 'Limit' }, 'succeeded');
    expect(flipped).toEqual({
      kind: 'review',
      reason: 'after the payout ended as succeeded, the provider reported declined 3105 Limit',
    });
    expect(decideClosed({ state: 'succeeded' }, 'declined').kind).toBe('review');
    expect(decideClosed({ state: 'succeeded' }, 'cancelled').kind).toBe('review');
  });

  it('leaves a payout already in review where it is', () => {
    expect(decideClosed({ state: 'succeeded' }, 'needs_review')).toEqual({ kind: 'ignore' });
  });
});

describe('the recorded form and the polling plan', () => {
  it('keeps the code and message of a decline and the reason of an unknown status', () => {
    expect(describeStatus({ state: 'declined', code: '3104', message: 'blocked' })).toEqual({
      state: 'declined',
      code: '3104',
      message: 'blocked',
    });
    expect(describeStatus({ state: 'unknown', reason: 'r' })).toEqual({ state: 'unknown', message: 'r' });
  });

  it('polls first after the first interval, then doubles up to the cap', () => {
    const delays: number[] = [];
    let previous: number | undefined;
    for (let i = 0; i < 8; i++) {
      previous = nextPollDelay(previous, 30_000, 1_800_000);
      delays.push(previous);
    }
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000]);
  });
});

describe('claimMismatch: what the provider says it holds against what we sent (issue 19, finding 1)', () => {
  const ours = { amount: 999_900, currency: 'RUB', maskedCard: '424242******4242' };

  it('names amount, currency and card when the provider holds another payment under our key', () => {
    const reason = claimMismatch(ours, { amount: { value: 10_000, currency: 'RUB' }, maskedCard: '555555******4444' });
    expect(reason).toBe(
      'the provider holds 10000 RUB to 555555******4444 under our key; we sent 999900 RUB to 424242******4242',
    );
  });

  it('is silent when everything reported agrees or nothing is reported', () => {
    expect(claimMismatch(ours, { amount: { value: 999_900, currency: 'RUB' }, maskedCard: '424242****4242' })).toBe(
      undefined,
    );
    expect(claimMismatch(ours, {})).toBe(undefined);
    // A token payout has no card of ours to compare; the amount still counts.
    expect(claimMismatch({ ...ours, maskedCard: 'token' }, { maskedCard: '555555******4444' })).toBe(undefined);
    expect(claimMismatch({ ...ours, maskedCard: 'token' }, { amount: { value: 1, currency: 'RUB' } })).toMatch(
      /holds 1 RUB/,
    );
  });

  it('sends any state reported for another amount to review, not only a success', () => {
    const declined = decideOpen(
      { state: 'declined', code: '3105', message: 'x', amount: { value: 10_000, currency: 'RUB' } },
      ours,
    );
    expect(declined.kind).toBe('review');
    const pending = decideOpen({ state: 'pending', amount: { value: 999_900, currency: 'EUR' } }, ours);
    expect(pending.kind).toBe('review');
    const card = decideOpen({ state: 'succeeded', maskedCard: '555555******4444' }, ours);
    expect(card.kind === 'review' && card.reason).toContain('555555******4444');
  });
});

describe('a decline is what its code says (issue 19, findings 4 and 6)', () => {
  const sent = { amount: 150_000, currency: 'RUB' };
  it('keeps a systemic or invalid-request class, so a batch’s breaker counts our balance, not cards', () => {
    const decision = decideOpen(
      { state: 'declined', code: '3028', message: 'Insufficient funds', failureClass: 'systemic' },
      sent,
    );
    expect(decision).toEqual({
      kind: 'finish',
      status: 'declined',
      code: '3028',
      message: 'Insufficient funds',
      failureClass: 'systemic',
    });
  });

  it('sends a code nobody knows to review, never to a final decline', () => {
    const decision = decideOpen(
      { state: 'declined', code: '77777', message: 'New', failureClass: 'unclassified' },
      sent,
    );
    expect(decision.kind === 'review' && decision.reason).toContain('77777');
  });
});

describe('adoptReference: the key is checked before a reference is copied (issue 19, finding 8)', () => {
  it("keeps the first reference reported about our key, never another attempt's", () => {
    expect(adoptReference(undefined, 'ref-other', false)).toBe(undefined);
    expect(adoptReference(undefined, 'ref-ours', true)).toBe('ref-ours');
    expect(adoptReference('ref-ours', 'ref-later', true)).toBe('ref-ours');
  });
});
