import { ConfigError, parseConfig, providerTaskQueues } from '../../../src/config.js';
import { queueTuning, workerQueues } from '../../../src/worker/task-queues.js';

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

test('worker tuning from the environment reaches every queue; a provider queue keeps its pace', () => {
  const cfg = parseConfig({
    PAYOUTS_PROVIDER_RATE_LIMITS: 'ecommpay=20',
    WORKER_MAX_CACHED_WORKFLOWS: '400',
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
    WORKER_MAX_CONCURRENT_ACTIVITIES: '50',
  });
  const tuning = workerQueues(cfg).map((queue) => queueTuning(cfg, queue));
  const operator = {
    maxCachedWorkflows: 400,
    maxConcurrentWorkflowTaskExecutions: 20,
    maxConcurrentActivityTaskExecutions: 50,
  };
  expect(tuning).toEqual([operator, { ...operator, maxTaskQueueActivitiesPerSecond: 20 }]);
});

test('unset tuning leaves the worker its defaults; 0 cached workflows (no cache) is a setting, not unset', () => {
  expect(queueTuning(parseConfig({}), { taskQueue: 'payouts' })).toEqual({});
  // `WORKER_MAX_CACHED_WORKFLOWS=` in an env file is unset, not a cache of 0.
  expect(queueTuning(parseConfig({ WORKER_MAX_CACHED_WORKFLOWS: '' }), { taskQueue: 'payouts' })).toEqual({});
  expect(queueTuning(parseConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }), { taskQueue: 'payouts' })).toEqual({
    maxCachedWorkflows: 0,
  });
});

test.each([
  ['WORKER_MAX_CACHED_WORKFLOWS', '-1'],
  ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', '0'],
  ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'many'],
])('%s=%s is refused', (name, value) => {
  expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
});
