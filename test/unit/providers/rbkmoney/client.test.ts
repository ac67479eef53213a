// The client against a scripted local HTTP server: headers on the wire, idempotent creates settled after a
// 409, reads answering undefined for 404, and logs that never hold the card or the key.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdempotencyConflictError, TransientProviderError } from '../../../../src/providers/errors.js';
import { RbkmoneyClient, type ClientLogger } from '../../../../src/providers/rbkmoney/client.js';
import { buildStoreBankCard } from '../../../../src/providers/rbkmoney/wire/cards.js';
import { buildCreateWithdrawal } from '../../../../src/providers/rbkmoney/wire/withdrawals.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

const apiKey = 'eyJhbGciOiJSUzI1NiJ9.test-key.signature';
const pan = '4242424242424242';

let server: Server;
let baseUrl: string;
let seen: Seen[];
let replies: Array<(request: Seen) => Reply>;
let logs: string[];
let client: RbkmoneyClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
      request.body = Buffer.concat(chunks).toString('utf8');
      seen.push(request);
      const reply = replies.shift()?.(request) ?? { status: 500 };
      // No keep-alive: on a slow machine a reused socket can meet the server's idle close (ECONNRESET).
      res.writeHead(reply.status, {
        'content-type': 'application/json; charset=utf-8',
        connection: 'close',
        ...reply.headers,
      });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  replies = [];
  logs = [];
  const logger: ClientLogger = {
    info: (fields, message) => logs.push(JSON.stringify({ ...fields, message })),
    warn: (fields, message) => logs.push(JSON.stringify({ ...fields, message })),
  };
  client = new RbkmoneyClient({ baseUrl, apiKey, logger, timeoutMs: 5_000 });
});

const withdrawal = {
  id: 'tZ0jUmlsV0',
  wallet: '18',
  destination: '22',
  body: { amount: 10000, currency: 'RUB' },
  externalID: 'payout-1-a1',
  createdAt: '2018-08-06T14:03:16.137075Z',
  status: 'Pending',
};
const params = buildCreateWithdrawal({
  externalID: 'payout-1-a1',
  walletID: '18',
  destinationID: '22',
  amount: 10000,
  currency: 'RUB',
});

test('every call carries the bearer key and a fresh X-Request-ID; only wallet API calls carry a deadline', async () => {
  replies.push(
    () => ({ status: 202, body: withdrawal }),
    () => ({ status: 201, body: { token: 'tok', bin: '424242', lastDigits: '4242' } }),
  );
  await client.createWithdrawal(params);
  await client.storeBankCard({ ...buildStoreBankCard({ pan }), cvv: '123' });

  const [create, store] = seen;
  expect(create?.method).toBe('POST');
  expect(create?.url).toBe('/wallet/v0/withdrawals');
  expect(create?.headers.authorization).toBe(`Bearer ${apiKey}`);
  expect(create?.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(create?.headers['x-request-deadline']).toMatch(/^\d+ms$/);
  expect(JSON.parse(create?.body ?? '')).toEqual(params);
  expect(store?.url).toBe('/payres/v0/bank-cards');
  expect(store?.headers['x-request-deadline']).toBeUndefined();
  const ids = seen.map((request) => request.headers['x-request-id']);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  expect(new Set(ids).size).toBe(2);
});

test('logs name the call and its status, never the card, the cvv or the key', async () => {
  replies.push(() => ({ status: 422, body: { message: 'Card data is invalid' } }));
  await expect(client.storeBankCard({ ...buildStoreBankCard({ pan }), cvv: '987' })).rejects.toThrow(
    'RBKmoney storeBankCard: 422 Card data is invalid',
  );
  expect(logs).toHaveLength(1);
  expect(JSON.parse(logs[0] ?? '')).toMatchObject({ operation: 'storeBankCard', method: 'POST', status: 422 });
  // Random request ids and durations could contain the cvv's digits by chance; everything else may not.
  const all = logs
    .map((line) => {
      const { requestId: _id, durationMs: _ms, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .join('\n');
  for (const secret of [pan, '987', apiKey]) expect(all).not.toContain(secret);
});

test('a 409 for the same withdrawal returns the existing one', async () => {
  replies.push(
    () => ({ status: 409, body: { externalID: 'payout-1-a1', id: 'tZ0jUmlsV0', message: 'used' } }),
    () => ({ status: 200, body: withdrawal }),
  );
  await expect(client.createWithdrawal(params)).resolves.toMatchObject({ id: 'tZ0jUmlsV0', status: 'Pending' });
  expect(seen[1]?.url).toBe('/wallet/v0/external-ids/withdrawals/payout-1-a1');
});

test('a 409 for a different amount is an idempotency conflict naming the field', async () => {
  replies.push(
    () => ({ status: 409, body: { externalID: 'payout-1-a1', id: 'tZ0jUmlsV0' } }),
    () => ({ status: 200, body: { ...withdrawal, body: { amount: 20000, currency: 'RUB' } } }),
  );
  const error: unknown = await client.createWithdrawal(params).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(IdempotencyConflictError);
  expect((error as Error).message).toContain('body.amount');
  expect((error as Error).message).not.toContain('destination');
});

test('an identity 409 is settled through the id in its body', async () => {
  const identity = { id: '10036274', name: 'Megacorp inc.', provider: 'test', externalID: 'payouts-identity' };
  replies.push(
    () => ({ status: 409, body: { id: '10036274' } }),
    () => ({ status: 200, body: { ...identity, isBlocked: false } }),
  );
  await expect(
    client.createIdentity({ name: 'Megacorp inc.', provider: 'test', externalID: 'payouts-identity' }),
  ).resolves.toMatchObject({ id: '10036274' });
  expect(seen[1]?.url).toBe('/wallet/v0/identities/10036274');
});

test('reads answer undefined for 404 and send the wallet external id as a query', async () => {
  replies.push(
    () => ({ status: 404 }),
    () => ({ status: 404 }),
  );
  await expect(client.getWithdrawal('nope')).resolves.toBeUndefined();
  await expect(client.getWalletByExternalID('payouts wallet')).resolves.toBeUndefined();
  expect(seen[1]?.url).toBe('/wallet/v0/external/wallets?externalID=payouts+wallet');
});

test('503 and 429 are transient, with the server-suggested wait', async () => {
  replies.push(
    () => ({ status: 503 }),
    () => ({ status: 429, headers: { 'retry-after': '3' } }),
  );
  await expect(client.getWithdrawal('w')).rejects.toBeInstanceOf(TransientProviderError);
  const error: unknown = await client.getWithdrawal('w').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 3000 });
});

test('a 2xx that does not match the spec is a transient unexpected answer', async () => {
  replies.push(() => ({ status: 202, body: { id: 'w' } }));
  await expect(client.createWithdrawal(params)).rejects.toMatchObject({ code: 'unexpected_answer' });
});

test('no answer at all is transient', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const offline = new RbkmoneyClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey, timeoutMs: 2_000 });
  await expect(offline.getWithdrawal('w')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
