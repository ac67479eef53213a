import { reviewVisibilityQuery } from '../../../src/activities/reconciliation.js';
import { decideSettlement } from '../../../src/workflows/payout/settlement.js';

test('a definite answer settles an outcome that was unknown', () => {
  expect(decideSettlement('outcome_unknown', { state: 'succeeded' })).toEqual({ kind: 'settled', status: 'succeeded' });
  expect(decideSettlement('outcome_unknown', { state: 'declined', code: '3105', message: 'forbidden' })).toEqual({
    kind: 'settled',
    status: 'declined',
    code: '3105',
    message: 'forbidden',
  });
});

test('no definite answer leaves the payout in review', () => {
  for (const status of [
    { state: 'pending' as const },
    { state: 'unknown' as const, reason: 'not found' },
    { state: 'needs_clarification' as const, fields: ['customer.first_name'] },
  ]) {
    expect(decideSettlement('outcome_unknown', status).kind).toBe('unchanged');
  }
});

test('a review about a contradiction is never settled by the provider, whatever it says now', () => {
  expect(decideSettlement('contradiction', { state: 'succeeded' })).toMatchObject({ kind: 'contradiction' });
  expect(decideSettlement('contradiction', { state: 'declined', code: '1', message: 'x' })).toMatchObject({
    kind: 'contradiction',
  });
  expect(decideSettlement(undefined, { state: 'succeeded' }).kind).toBe('contradiction');
  expect(decideSettlement('contradiction', { state: 'pending' }).kind).toBe('unchanged');
});

test('the visibility query finds open payouts in needs_review, by provider and start date', () => {
  expect(reviewVisibilityQuery({})).toBe(
    "WorkflowType IN ('PayoutWorkflowV3', 'PayoutWorkflowV2', 'PayoutWorkflow') AND ExecutionStatus = 'Running' AND PayoutStatus = 'needs_review'",
  );
  expect(reviewVisibilityQuery({ provider: 'ecommpay', since: '2026-11-01' })).toBe(
    "WorkflowType IN ('PayoutWorkflowV3', 'PayoutWorkflowV2', 'PayoutWorkflow') AND ExecutionStatus = 'Running' AND PayoutStatus = 'needs_review'" +
      " AND PayoutProvider = 'ecommpay' AND StartTime >= '2026-11-01T00:00:00.000Z'",
  );
});

test('a success for another amount or currency than we sent settles nothing: a person decides', () => {
  const sent = { amount: 150_000, currency: 'RUB' };
  expect(
    decideSettlement('outcome_unknown', { state: 'succeeded', amount: { value: 150_000, currency: 'RUB' } }, sent),
  ).toEqual({ kind: 'settled', status: 'succeeded' });
  expect(
    decideSettlement('outcome_unknown', { state: 'succeeded', amount: { value: 15_000, currency: 'RUB' } }, sent),
  ).toEqual({
    kind: 'contradiction',
    reason: 'the provider now reports it succeeded, but provider reports 15000 RUB, we sent 150000 RUB',
  });
  expect(
    decideSettlement('outcome_unknown', { state: 'succeeded', amount: { value: 150_000, currency: 'EUR' } }, sent),
  ).toMatchObject({ kind: 'contradiction' });
});
