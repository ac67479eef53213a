/**
 * `npm run fuzz:relay [-- --n N --seed S]`: sends the relay N generated bad requests per provider (default
 * 10,000) on loopback: truncated and oversized bodies, wrong content types, invalid JSON, missing and
 * mistyped fields, absent / malformed / wrong-key / altered-body signatures, and replays of a genuine
 * callback with one field changed. A payout waits (scheduled far ahead) under the payoutId the requests
 * name; at the end its history must hold no signal, no request may have been accepted or answered 5xx, and
 * memory must stay flat. Prints `fuzz: N requests, 0 accepted, 0 5xx, rss_growth_mb=…`.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../src/devstack/dev-server.js';
import { freePort } from '../src/devstack/ports.js';
import { ensureTemporalCli } from '../src/devstack/temporal-cli.js';
import { payoutRequestSchema } from '../src/domain/payout-request.js';
import { createLogger } from '../src/logging.js';
import { createEcommpayProvider } from '../src/providers/ecommpay/index.js';
import { sign } from '../src/providers/ecommpay/signature.js';
import { createRbkmoneyProvider } from '../src/providers/rbkmoney/index.js';
import { generateWebhookKeyPair, signWebhook } from '../src/providers/rbkmoney/signature.js';
import { providerRegistry } from '../src/providers/registry.js';
import { SeededRandom } from '../src/sandbox/random.js';
import { OrphanJournal } from '../src/webhooks/orphans.js';
import { maxBodyBytes, startRelay } from '../src/webhooks/relay.js';
import { workflowTypes } from '../src/client/definitions.js';
import { payoutWorkflowId } from '../src/workflows/definitions.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } },
});
const perProvider = Number(values.n);
const random = new SeededRandom(Number(values.seed));
const secretKey = 'fuzz-ecommpay-secret';
const payoutId = 'fuzz-target';

interface Attempt {
  body: string | Buffer;
  headers: Record<string, string>;
}

const pick = <T>(items: readonly T[]): T => items[random.below(items.length)] as T;
const json = { 'content-type': 'application/json' };

/** Flips one character of a text: the classic altered body. */
function alter(text: string): string {
  const at = random.below(text.length);
  const replacement = text[at] === '1' ? '2' : '1';
  return `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
}

function ecommpayCallback(): Record<string, unknown> {
  const body = {
    project_id: 1,
    payment: { id: payoutId, type: 'payout', status: 'success', sum: { amount: 150000, currency: 'RUB' } },
    operation: { id: 7, type: 'payout', status: 'success', sum_initial: { amount: 150000, currency: 'RUB' } },
  };
  return { ...body, signature: sign(body, secretKey) };
}

/** Each is refused by the relay: no signature over exactly these bytes with our key, or no usable body. */
function ecommpayAttempt(): Attempt {
  const genuine = ecommpayCallback();
  const text = JSON.stringify(genuine);
  switch (random.below(9)) {
    case 0:
      return { body: text.slice(0, random.below(text.length)), headers: json };
    case 1:
      return { body: Buffer.alloc(maxBodyBytes + 1 + random.below(1000), 0x7b), headers: json };
    case 2:
      return {
        body: text,
        headers: { 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data']) },
      };
    case 3:
      return { body: pick(['{', 'null', '[]', '"x"', '{"payment":', 'NaN', '']), headers: json };
    case 4: {
      // Correctly signed, but a required field missing or of the wrong type.
      const body: Record<string, unknown> = pick([
        { project_id: 1 },
        { project_id: 1, payment: { status: 'success' } },
        { project_id: 1, payment: { id: { nested: true }, status: 'success' } },
        { project_id: 1, payment: { id: payoutId, status: 17 } },
      ]);
      return { body: JSON.stringify({ ...body, signature: sign(body, secretKey) }), headers: json };
    }
    case 5: {
      const { signature: _dropped, ...unsigned } = genuine;
      return { body: JSON.stringify(unsigned), headers: json };
    }
    case 6:
      return {
        body: JSON.stringify({ ...genuine, signature: pick(['', 'not base64!', 'AAAA', 42, null]) }),
        headers: json,
      };
    case 7: {
      const { signature: _dropped, ...unsigned } = genuine;
      return { body: JSON.stringify({ ...unsigned, signature: sign(unsigned, 'another-key') }), headers: json };
    }
    default: {
      // A genuine callback replayed with one field changed.
      const payment = { ...(genuine.payment as Record<string, unknown>) };
      const field = pick(['status', 'id', 'sum']);
      payment[field] = field === 'sum' ? { amount: 1, currency: 'RUB' } : field === 'id' ? 'someone-else' : 'decline';
      return { body: JSON.stringify({ ...genuine, payment }), headers: json };
    }
  }
}

function rbkmoneyAttempt(ourKey: string, foreignKey: string): Attempt {
  const event = {
    eventID: String(random.below(1000)),
    occuredAt: new Date().toISOString(),
    topic: 'WithdrawalTopic',
    eventType: 'WithdrawalSucceeded',
    withdrawalID: 'w-1',
    externalID: payoutId,
  };
  const text = JSON.stringify(event);
  const signed = (body: string, key = ourKey) => ({ ...json, 'content-signature': signWebhook(body, key) });
  switch (random.below(8)) {
    case 0:
      return { body: text.slice(0, random.below(text.length)), headers: signed(text) };
    case 1:
      return { body: Buffer.alloc(maxBodyBytes + 1 + random.below(1000), 0x7b), headers: json };
    case 2:
      return { body: text, headers: { ...signed(text), 'content-type': pick(['text/plain', 'application/xml']) } };
    case 3:
      return { body: alter(text), headers: signed(text) };
    case 4:
      return { body: text, headers: json };
    case 5:
      return {
        body: text,
        headers: {
          ...json,
          'content-signature': pick(['', 'alg=RS256', 'digest=AAAA', 'alg=HS256; digest=AAAA', 'garbage']),
        },
      };
    case 6:
      return { body: text, headers: signed(text, foreignKey) };
    default: {
      // Correctly signed, but not an event we can read.
      const body = JSON.stringify(
        pick([{ topic: 'WithdrawalTopic' }, { ...event, eventType: 'Unknown' }, { ...event, withdrawalID: 5 }]),
      );
      return { body, headers: signed(body) };
    }
  }
}

async function main(): Promise<void> {
  const logger = createLogger('fuzz', { level: 'silent' });
  const cli = await ensureTemporalCli((line) => console.error(line));
  const server = await startDevServer({
    cliPath: cli.path,
    port: await freePort(),
    logFile: path.resolve('.data/fuzz-temporal.log'),
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const ours = generateWebhookKeyPair();
  const foreign = generateWebhookKeyPair();
  const providers = providerRegistry({
    ecommpay: () => createEcommpayProvider({ baseUrl: 'http://127.0.0.1:1', projectId: 1, secretKey }),
    rbkmoney: () =>
      createRbkmoneyProvider({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', webhookPublicKey: ours.publicKey }),
  });
  const orphans = new OrphanJournal(path.join(await mkdtemp(path.join(os.tmpdir(), 'fuzz-')), 'orphans.jsonl'));
  const relay = await startRelay({ port: 0, host: '127.0.0.1', client, providers, orphans, logger });

  // The payout every request names, waiting (no worker needed: signals are stored by the server).
  const request = payoutRequestSchema.parse({
    payoutId,
    provider: 'ecommpay',
    amount: 150_000,
    currency: 'RUB',
    card: { pan: '4242424242424242' },
    notBefore: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const handle = await client.workflow.start(workflowTypes.payout, {
    taskQueue: 'fuzz-no-worker',
    workflowId: payoutWorkflowId(payoutId),
    args: [{ request }],
  });

  let sent = 0;
  let accepted = 0;
  let serverErrors = 0;
  const statuses = new Map<number, number>();
  const send = async (route: string, attempt: Attempt) => {
    const response = await fetch(`${relay.url}/webhooks/${route}`, {
      method: 'POST',
      headers: attempt.headers,
      body: attempt.body,
    });
    await response.arrayBuffer();
    sent++;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) serverErrors++;
    if (response.status === 200) accepted++;
  };

  const started = Date.now();
  // Memory is measured from after a warm-up (JIT, connection pools, caches), then must stay flat.
  let rssBaseline: number | undefined;
  for (const route of ['ecommpay', 'rbkmoney'] as const) {
    for (let i = 0; i < perProvider; i += 50) {
      if (rssBaseline === undefined && sent >= Math.min(1_000, perProvider / 5)) {
        global.gc?.();
        rssBaseline = process.memoryUsage().rss;
      }
      const batch = Array.from({ length: Math.min(50, perProvider - i) }, () =>
        route === 'ecommpay' ? ecommpayAttempt() : rbkmoneyAttempt(ours.privateKeyPem, foreign.privateKeyPem),
      );
      await Promise.all(batch.map((attempt) => send(route, attempt)));
    }
  }
  global.gc?.();
  const rssGrowthMb = (process.memoryUsage().rss - (rssBaseline ?? 0)) / 1024 / 1024;

  const history = await handle.fetchHistory();
  const signals = (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes).length;
  await handle.terminate('fuzz done');
  await relay.close();
  await connection.close();
  await server.stop();

  const byStatus = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}:${n}`)
    .join(',');
  console.log(
    `fuzz: ${sent} requests, ${accepted} accepted, ${serverErrors} 5xx, signals=${signals}, ` +
      `rss_growth_mb=${rssGrowthMb.toFixed(1)}, statuses=${byStatus}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (accepted > 0 || serverErrors > 0 || signals > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
