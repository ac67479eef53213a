/**
 * `npm run bench -- relay [--n 20000] [--concurrency 50] [--server dev|postgres]`: signed ecommpay callbacks
 * through the relay (signature check, parse, signal), sent by autocannon on loopback, against a plain
 * client loop sending the same signals to the same workflows at the same concurrency: the ceiling the
 * Temporal server sets. The target payouts wait on a task queue no worker polls (signals are stored by the
 * server either way). Then each provider's signature check alone, in this process.
 * Prints `relay_per_s=… signal_per_s=… ratio=… p99_ms=…` and the verifications per second.
 */
import autocannon from 'autocannon';
import { createEcommpayProvider } from '../src/providers/ecommpay/index.js';
import { sign, verify } from '../src/providers/ecommpay/signature.js';
import type { ProviderEvent } from '../src/providers/contract.js';
import {
  generateWebhookKeyPair,
  parsePublicKey,
  signWebhook,
  verifyWebhook,
} from '../src/providers/rbkmoney/signature.js';
import { workflowTypes } from '../src/client/definitions.js';
import { payoutWorkflowId, providerEventSignal } from '../src/workflows/definitions.js';
import type { BenchOptions } from './lib/options.js';
import { note, percentile, pool, printFigures } from './lib/report.js';
import { runPrefix } from './lib/requests.js';
import { benchProjectId, benchSecretKey, type BenchStack, startBenchStack } from './lib/stack.js';

const route = '/webhooks/ecommpay';

/** A genuine, signed payout callback for `payoutId`; `operationId` makes each one a distinct event. */
function callbackBody(payoutId: string, operationId: number): string {
  const body = {
    project_id: benchProjectId,
    payment: { id: payoutId, type: 'payout', status: 'success', sum: { amount: 150_000, currency: 'RUB' } },
    operation: {
      id: operationId,
      type: 'payout',
      status: 'success',
      sum_initial: { amount: 150_000, currency: 'RUB' },
    },
  };
  return JSON.stringify({ ...body, signature: sign(body, benchSecretKey) });
}

async function throughRelay(stack: BenchStack, bodies: string[], concurrency: number) {
  let next = 0;
  const result = await autocannon({
    url: stack.relayUrl,
    connections: concurrency,
    amount: bodies.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: route,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  const sent = result.requests.total;
  return {
    perSecond: sent / (result.duration || 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function plainSignals(
  stack: BenchStack,
  events: Array<{ workflowId: string; event: ProviderEvent }>,
  concurrency: number,
) {
  const started = Date.now();
  const latencies = await pool(events.length, concurrency, async (i) => {
    const { workflowId, event } = events[i]!;
    const t0 = performance.now();
    await stack.client.workflow.getHandle(workflowId).signal(providerEventSignal, event);
    return performance.now() - t0;
  });
  const sorted = latencies.sort((a, b) => a - b);
  return {
    perSecond: events.length / ((Date.now() - started) / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/** Calls of `check` per second over about `ms`. */
function perSecond(check: () => boolean, ms = 2_000): number {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 100; i++) if (check()) count++;
  }
  return count / ((performance.now() - started) / 1000);
}

function signatureChecks() {
  const ecommpayParams = JSON.parse(callbackBody('bench-verify', 1)) as Record<string, unknown>;
  const keys = generateWebhookKeyPair();
  const publicKey = parsePublicKey(keys.publicKey);
  const rbkBody = JSON.stringify({
    eventID: '1',
    topic: 'WithdrawalTopic',
    eventType: 'WithdrawalSucceeded',
    withdrawalID: 'w-1',
    externalID: 'bench-verify',
  });
  const rbkSignature = signWebhook(rbkBody, keys.privateKeyPem);
  return {
    ecommpay: perSecond(() => verify(ecommpayParams, benchSecretKey)),
    rbkmoney: perSecond(() => verifyWebhook(Buffer.from(rbkBody), rbkSignature, publicKey)),
  };
}

export async function run(options: BenchOptions): Promise<void> {
  const n = options.n ?? 20_000;
  const concurrency = options.concurrency ?? 50;
  const warmUp = Math.min(1_000, n);
  const stack = await startBenchStack({ name: 'relay', server: options.server, address: options.address });
  try {
    // Enough targets that no history grows past a few dozen signals.
    const targets = Math.max(100, Math.ceil((2 * (n + warmUp)) / 40));
    const prefix = runPrefix('relay');
    note(`starting ${targets} target payouts`);
    await pool(targets, 50, (i) =>
      stack.client.workflow.start(workflowTypes.payout, {
        taskQueue: 'bench-relay-no-worker',
        workflowId: payoutWorkflowId(`${prefix}-${i}`),
        args: [{}],
      }),
    );
    const bodies = (count: number, offset: number) =>
      Array.from({ length: count }, (_, k) => callbackBody(`${prefix}-${(offset + k) % targets}`, offset + k));
    const parser = createEcommpayProvider({
      baseUrl: stack.sandboxUrl,
      projectId: benchProjectId,
      secretKey: benchSecretKey,
    });
    const asSignals = (texts: string[]) =>
      texts.map((text) => {
        const parsed = parser.parseCallback(text, { 'content-type': 'application/json' });
        if (!parsed.ok || !parsed.event) throw new Error('bench callback did not parse');
        return { workflowId: payoutWorkflowId(parsed.event.idempotencyKey), event: parsed.event };
      });

    note(`warm-up: ${warmUp} callbacks and ${warmUp} signals`);
    await throughRelay(stack, bodies(warmUp, 0), concurrency);
    await plainSignals(stack, asSignals(bodies(warmUp, warmUp)), concurrency);

    note(`relay: ${n} callbacks, ${concurrency} connections`);
    const relayBodies = bodies(n, 2 * warmUp);
    const relay = await throughRelay(stack, relayBodies, concurrency);
    note(`plain client: ${n} signals, ${concurrency} at once`);
    const plain = await plainSignals(stack, asSignals(bodies(n, 2 * warmUp + n)), concurrency);
    const checks = signatureChecks();
    printFigures({
      bench: 'relay',
      server: options.server,
      n,
      concurrency,
      relay_per_s: relay.perSecond,
      signal_per_s: plain.perSecond,
      ratio: relay.perSecond / plain.perSecond,
      p50_ms: relay.p50,
      p99_ms: relay.p99,
      signal_p50_ms: plain.p50,
      signal_p99_ms: plain.p99,
      relay_non2xx: relay.non2xx,
      relay_errors: relay.errors,
      ecommpay_verify_per_s: Math.round(checks.ecommpay),
      rbkmoney_verify_per_s: Math.round(checks.rbkmoney),
    });
  } finally {
    await stack.stop();
  }
}
