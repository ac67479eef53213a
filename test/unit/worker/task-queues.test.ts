import { ConfigError, parseConfig, providerTaskQueues } from '../../../src/config.js';
import { workerQueues } from '../../../src/worker/task-queues.js';

test('without rate limits a worker polls the main task queue only', () => {
  const cfg = parseConfig({});
  expect(workerQueues(cfg)).toEqual([{ taskQueue: 'payouts' }]);
  expect(providerTaskQueues(cfg)).toEqual({});
});

test('each rate-limited provider gets a task queue of its own, paced at its rate', () => {
  const cfg = parseConfig({ PAYOUTS_TASK_QUEUE: 'pay', PAYOUTS_PROVIDER_RATE_LIMITS: ' ecommpay=20, rbkmoney=0.5 ' });
  expect(workerQueues(cfg)).toEqual([
    { taskQueue: 'pay' },
    { taskQueue: 'pay-ecommpay', provider: 'ecommpay', maxActivitiesPerSecond: 20 },
    { taskQueue: 'pay-rbkmoney', provider: 'rbkmoney', maxActivitiesPerSecond: 0.5 },
  ]);
  // Clients start those providers' payouts where those workers poll.
  expect(providerTaskQueues(cfg)).toEqual({ ecommpay: 'pay-ecommpay', rbkmoney: 'pay-rbkmoney' });
});

test.each([['paypal=5'], ['ecommpay=0'], ['ecommpay=fast'], ['ecommpay'], ['ecommpay=5,ecommpay=6']])(
  'PAYOUTS_PROVIDER_RATE_LIMITS=%s is refused with the expected form',
  (value) => {
    expect(() => parseConfig({ PAYOUTS_PROVIDER_RATE_LIMITS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ PAYOUTS_PROVIDER_RATE_LIMITS: value })).toThrow(
      /PAYOUTS_PROVIDER_RATE_LIMITS.*<provider>=<activities per second>/,
    );
  },
);
