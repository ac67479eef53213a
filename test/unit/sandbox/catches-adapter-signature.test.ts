/**
 * The sandbox is a second implementation of ecommpay's signature, not the adapter's own (issue 19, finding 9):
 * an adapter whose signing is wrong must be refused by it. Here the adapter's signature module is swapped for a plausible mistake (nested objects
 * signed as JSON text instead of flattened into `path:value` items); a sandbox that shared the adapter's
 * module would agree with it and let the mistake through.
 */
import { createHmac } from 'node:crypto';
import { jest } from '@jest/globals';

/** The mistake: top-level keys sorted, but nested values rendered as JSON rather than flattened. */
function mistakenStringToSign(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}:${JSON.stringify(params[key])}`)
    .join(';');
}

function withoutSignature(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSignature);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== 'signature')
      .map(([key, child]) => [key, withoutSignature(child)]),
  );
}

const mistakenSign = (params: Record<string, unknown>, secretKey: string) =>
  createHmac('sha512', secretKey).update(mistakenStringToSign(params)).digest('base64');

function findSignature(params: Record<string, unknown>): string | undefined {
  if (typeof params.signature === 'string') return params.signature;
  const general = params.general as Record<string, unknown> | undefined;
  return typeof general?.signature === 'string' ? general.signature : undefined;
}

jest.unstable_mockModule('../../../src/providers/ecommpay/signature.js', () => ({
  stringToSign: mistakenStringToSign,
  sign: mistakenSign,
  withoutSignature,
  findSignature,
  verify: (params: Record<string, unknown>, secretKey: string) =>
    findSignature(params) === mistakenSign(withoutSignature(params) as Record<string, unknown>, secretKey),
}));

const { SystemicProviderError } = await import('../../../src/providers/errors.js');
const { testCards } = await import('../../../src/sandbox/ecommpay/test-cards.js');
const { payout, startEcommpayHarness } = await import('../../integration/sandbox/ecommpay-setup.js');

type Harness = Awaited<ReturnType<typeof startEcommpayHarness>>;
let harness: Harness;

beforeAll(async () => {
  harness = await startEcommpayHarness();
});
afterAll(async () => {
  await harness?.close();
});

test('an adapter that signs wrongly is refused with 3261 (invalid signature), and nothing is recorded', async () => {
  const request = payout(testCards.mastercard.pan);
  const key = `${request.payoutId}-a1`;
  const submission = harness.provider.submit({ request, idempotencyKey: key });
  await expect(submission).rejects.toBeInstanceOf(SystemicProviderError);
  await expect(submission).rejects.toMatchObject({ code: '3261' });
  expect(harness.sandbox.ledger.get('ecommpay', key)).toBeUndefined();
});
