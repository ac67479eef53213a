/**
 * Shared set-up for tests that drive the ecommpay adapter against the sandbox: a sandbox on a free port with
 * fast timings, a callback receiver, the real adapter pointed at both, and payout requests for test cards.
 */
import { freePort } from '../../../src/devstack/ports.js';
import {
  payoutRequestSchema,
  type PayoutRequest,
  type PayoutRequestInput,
} from '../../../src/domain/payout-request.js';
import { createLogger } from '../../../src/logging.js';
import { createEcommpayProvider, type EcommpayProvider } from '../../../src/providers/ecommpay/index.js';
import type { EcommpayTimeouts } from '../../../src/providers/ecommpay/client.js';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/index.js';
import { startCallbackReceiver, type CallbackReceiver } from '../contract/callback-receiver.js';

export const projectId = 4242;
export const secretKey = 'test-sandbox-secret';

let sequence = 0;
export const newPayoutId = (prefix = 'sbx') => `${prefix}-${Date.now().toString(36)}-${++sequence}`;

/** A payout the sandbox accepts: customer id and IP, and a date of birth (Visa needs it). */
export function payout(pan: string, input: Partial<PayoutRequestInput> = {}): PayoutRequest {
  return payoutRequestSchema.parse({
    payoutId: newPayoutId(),
    provider: 'ecommpay',
    amount: 125_00,
    currency: 'EUR',
    card: { pan, expMonth: 11, expYear: 2030 },
    customer: {
      id: 'customer-7',
      ip_address: '192.0.2.10',
      first_name: 'Anna',
      last_name: 'Berg',
      zip: 'N1 9GU',
      address: 'Level st, 23',
    },
    sender: { day_of_birth: '05-06-1981' },
    ...input,
  });
}

export interface EcommpayHarness {
  sandbox: RunningSandbox;
  receiver: CallbackReceiver;
  provider: EcommpayProvider;
  /** Another adapter instance against the same sandbox, e.g. with a short client timeout. */
  adapter(options?: { secretKey?: string; projectId?: number; timeouts?: Partial<EcommpayTimeouts> }): EcommpayProvider;
  close(): Promise<void>;
}

export async function startEcommpayHarness(options: SandboxOptions = {}): Promise<EcommpayHarness> {
  const receiver = await startCallbackReceiver();
  const sandbox = await startSandbox({
    port: await freePort(),
    logger: createLogger('sandbox-test', { level: 'silent' }),
    ...options,
    ecommpay: { projectId, secretKey, callbackUrl: `${receiver.url}/webhooks/ecommpay`, ...options.ecommpay },
    timing: {
      processingMs: 100,
      slowMs: 1_500,
      callbackDelayMs: 0,
      callbackRetryMs: 100,
      callbackMaxAttempts: 3,
      callbackTimeoutMs: 2_000,
      ...options.timing,
    },
  });
  const adapter: EcommpayHarness['adapter'] = (overrides = {}) =>
    createEcommpayProvider({
      baseUrl: sandbox.url,
      projectId: overrides.projectId ?? projectId,
      secretKey: overrides.secretKey ?? secretKey,
      callbackUrl: `${receiver.url}/webhooks/ecommpay`,
      timeouts: { connectMs: 2_000, responseMs: 5_000, ...overrides.timeouts },
    });
  return {
    sandbox,
    receiver,
    provider: adapter(),
    adapter,
    close: async () => {
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** Polls getStatus until it is no longer `pending` (or the deadline passes) and returns the last answer. */
export async function settledStatus(provider: EcommpayProvider, idempotencyKey: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await provider.getStatus({ payoutId: 'unused', idempotencyKey });
    if (status.state !== 'pending' || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The callbacks received about this payment_id, parsed by the adapter, in arrival order. */
export function eventsAbout(harness: EcommpayHarness, idempotencyKey: string) {
  return harness.receiver.received
    .map((callback) => harness.provider.parseCallback(callback.body, callback.headers))
    .flatMap((result) => (result.ok && result.event?.idempotencyKey === idempotencyKey ? [result.event] : []));
}

/** Waits for a callback about this payment_id whose mapped state is `state`. */
export async function eventWhen(harness: EcommpayHarness, idempotencyKey: string, state: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = eventsAbout(harness, idempotencyKey).find((candidate) => candidate.status.state === state);
    if (event) return event;
    if (Date.now() > deadline) throw new Error(`no ${state} callback about ${idempotencyKey} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  return response.json();
}

/** POSTs JSON (or a raw string); `json` is the parsed answer, or its text when it is not JSON. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, json: text };
  }
}
