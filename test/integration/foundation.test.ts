import { fileURLToPath } from 'node:url';
import { customSearchAttributes, payoutStatusSearchAttribute } from '../../src/workflows/definitions.js';
import { createPayoutsWorker } from '../../src/worker/worker.js';
import { createSmokeActivities } from './fixtures/smoke-activities.js';
import { smokeWorkflow } from './fixtures/smoke-workflows.js';
import { connect, testServer, uniqueTaskQueue, type TestConnections } from './helpers.js';

let conns: TestConnections;
beforeAll(async () => {
  conns = await connect();
});
afterAll(async () => conns.close());

test('the dev server has every custom search attribute registered with its type', async () => {
  const { namespace } = testServer();
  const response = await conns.client.connection.operatorService.listSearchAttributes({ namespace });
  const registered = Object.keys(response.customAttributes ?? {});
  expect(registered).toEqual(expect.arrayContaining(customSearchAttributes.map((key) => key.name)));
  // INDEXED_VALUE_TYPE_INT = 3 in the API enum; PayoutAmount must be numeric so ranges can be queried.
  expect(response.customAttributes?.PayoutAmount).toBe(3);
});

test('a worker runs a workflow and its activity on the real server, and visibility sees the search attribute', async () => {
  const taskQueue = uniqueTaskQueue('foundation');
  const worker = await createPayoutsWorker({
    connection: conns.nativeConnection,
    namespace: testServer().namespace,
    taskQueue,
    activities: createSmokeActivities('test-worker'),
    workflowsPath: fileURLToPath(new URL('./fixtures/smoke-workflows.ts', import.meta.url)),
  });
  const workflowId = `smoke-${taskQueue}`;
  const result = await worker.runUntil(
    conns.client.workflow.execute(smokeWorkflow, { taskQueue, workflowId, args: [150000, 'RUB'] }),
  );
  expect(result).toMatch(/^1500\.00 RUB by test-worker in pid \d+$/);

  const description = await conns.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(payoutStatusSearchAttribute)).toBe('smoke-done');
});
