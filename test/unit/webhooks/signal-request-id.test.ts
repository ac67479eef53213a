import { signalRequestId } from '../../../src/webhooks/relay.js';

describe('signalRequestId (issue 19, finding 3)', () => {
  test('is the same for the same workflow and event, so Temporal takes a replayed callback once', () => {
    expect(signalRequestId('payout-p-1', 'ecommpay:p-1:14:success:success:0:100 RUB')).toBe(
      signalRequestId('payout-p-1', 'ecommpay:p-1:14:success:success:0:100 RUB'),
    );
    expect(signalRequestId('payout-p-1', 'e')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  test('differs for another event or another workflow', () => {
    const id = signalRequestId('payout-p-1', 'event-1');
    expect(signalRequestId('payout-p-1', 'event-2')).not.toBe(id);
    expect(signalRequestId('payout-p-2', 'event-1')).not.toBe(id);
  });
});
