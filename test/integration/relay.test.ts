// The relay's answers that the payout scenarios do not reach: body limit, health, unknown routes, and 503 when
// Temporal cannot take the signal (so the provider retries instead of losing the callback).
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createLogger } from '../../src/logging.js';
import { createEcommpayProvider } from '../../src/providers/ecommpay/index.js';
import { sign } from '../../src/providers/ecommpay/signature.js';
import { providerRegistry } from '../../src/providers/registry.js';
import { OrphanJournal } from '../../src/webhooks/orphans.js';
import { maxBodyBytes, type Relay, startRelay } from '../../src/webhooks/relay.js';

const secretKey = 'relay-test-secret';
let relay: Relay;
let connection: Connection;

beforeAll(async () => {
  // Nothing listens on port 1: every signal fails as if Temporal were down.
  connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1_000 });
  const providers = providerRegistry({
    ecommpay: () => createEcommpayProvider({ baseUrl: 'http://127.0.0.1:1', projectId: 1, secretKey }),
  });
  const orphans = new OrphanJournal(path.join(await mkdtemp(path.join(os.tmpdir(), 'relay-')), 'orphans.jsonl'));
  relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    client: new Client({ connection }),
    providers,
    orphans,
    logger: createLogger('relay-test', { level: 'silent' }),
  });
});
afterAll(async () => {
  await relay.close();
  await connection.close();
});

const post = (route: string, body: string) =>
  fetch(`${relay.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('a body over the limit is refused with 413 before anything is parsed', async () => {
  const response = await post('/webhooks/ecommpay', 'x'.repeat(maxBodyBytes + 1));
  expect(response.status).toBe(413);
});

test('an authentic callback while Temporal is unreachable gets 503, so the provider retries', async () => {
  const body = { project_id: 1, payment: { id: 'p-1', status: 'success' }, operation: { id: 1, status: 'success' } };
  const response = await post('/webhooks/ecommpay', JSON.stringify({ ...body, signature: sign(body, secretKey) }));
  expect(response.status).toBe(503);
}, 30_000);

test('a body that is not JSON by its content type is refused with 415', async () => {
  const response = await fetch(`${relay.url}/webhooks/ecommpay`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '{}',
  });
  expect(response.status).toBe(415);
});

test('the public port serves /webhooks/* only: orphans, metrics and health answer 404 there', async () => {
  for (const route of ['/orphans', '/metrics', '/healthz', '/health']) {
    const response = await fetch(`${relay.url}${route}`);
    expect([route, response.status]).toEqual([route, 404]);
    expect(await response.text()).not.toContain('orphans');
  }
});

test('the internal port serves orphans, metrics and health, and no callbacks', async () => {
  expect(relay.internalUrl).not.toBe(relay.url);
  expect((await fetch(`${relay.internalUrl}/healthz`)).status).toBe(200);
  expect(await (await fetch(`${relay.internalUrl}/orphans`)).json()).toEqual({ orphans: [] });
  expect(await (await fetch(`${relay.internalUrl}/metrics`)).text()).toContain('payouts_callbacks_received_total');
  const callback = await fetch(`${relay.internalUrl}/webhooks/ecommpay`, { method: 'POST', body: '{}' });
  expect(callback.status).toBe(404);
});

test('unknown providers and routes are not found', async () => {
  expect((await post('/webhooks/paypal', '{}')).status).toBe(404);
  expect((await fetch(`${relay.url}/webhooks/ecommpay`)).status).toBe(404);
});
