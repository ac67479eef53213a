/**
 * The attack of issue 18, finding 1: what the UI shows of a payout (the masked card in its summary, the
 * memo) must not give back the card number. The attacker knows the rest of the request (the codec server
 * shows it masked) and tries every Luhn-valid middle against the memo with unkeyed SHA-256.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { batchIdForFile } from '../../../src/cli/batch.js';
import { canonicalJson } from '../../../src/domain/request-identity.js';
import { PayoutsClient } from '../../../src/client/payouts-client.js';
import { luhnValid } from '../../../src/domain/card.js';
import { payoutRequestSchema, type PayoutRequest } from '../../../src/domain/payout-request.js';

const pan = '5555555555554444';
const key = 'test-card-fingerprint-key-0123456789';
const request = payoutRequestSchema.parse({
  payoutId: 'brute-force-1',
  provider: 'ecommpay',
  amount: 150_000,
  currency: 'RUB',
  card: { pan, expMonth: 12, expYear: 2030, holder: 'IVAN PETROV' },
  customer: { id: 'c-1', ip_address: '127.0.0.1' },
});

interface Started {
  memo: Record<string, unknown>;
  staticSummary: string;
}

/** A Temporal client that records what a start would write where the UI shows it. */
function recordingClient(started: Started[]): Client {
  return {
    workflow: {
      start: (_type: string, options: Started) => {
        started.push({ memo: options.memo, staticSummary: options.staticSummary });
        return Promise.resolve();
      },
    },
  } as unknown as Client;
}

/** Every unkeyed SHA-256 over candidate requests the project ever used for the memo. */
const unkeyedDigests = (candidate: PayoutRequest) => {
  const text = canonicalJson(candidate);
  return [
    `sha256:${createHash('sha256').update(`payout-request/v1\n${text}`).digest('hex')}`,
    createHash('sha256').update(text).digest('hex'),
  ];
};

/** The attack: first six and last four from the masked card, every Luhn-valid middle tried against the memo. */
function bruteForce(masked: string, memoValues: unknown[]): string | undefined {
  const match = /(\d{6})(\*+)(\d{4})/.exec(masked);
  if (!match) throw new Error(`no masked card in "${masked}"`);
  const [, first, stars = '', last] = match;
  const targets = new Set(memoValues.map(String));
  const width = stars.length;
  for (let middle = 0; middle < 10 ** width; middle++) {
    const candidatePan = `${first}${String(middle).padStart(width, '0')}${last}`;
    if (!luhnValid(candidatePan)) continue;
    const candidate = { ...request, card: { ...request.card, pan: candidatePan } };
    if (unkeyedDigests(candidate).some((digest) => targets.has(digest))) return candidatePan;
  }
  return undefined;
}

test('the masked card and the memo of a payout do not give back the card number', async () => {
  const started: Started[] = [];
  const payouts = new PayoutsClient({ client: recordingClient(started), validate: false, cardFingerprintKey: key });
  await payouts.submitPayout(request);
  const [start] = started;
  if (!start) throw new Error('nothing was started');
  expect(start.staticSummary).toContain('555555******4444');

  const began = Date.now();
  expect(bruteForce(start.staticSummary, Object.values(start.memo))).toBeUndefined();
  expect(Date.now() - began).toBeLessThan(10_000);
  expect(JSON.stringify(start.memo)).not.toMatch(/"sha256:/);
});

test('a batch file names its batch by a keyed tag of its content, never an unkeyed hash of its card numbers', () => {
  const content = `payout_id,amount,currency,card_number\nb-1,150000,RUB,${pan}\n`;
  const batchId = batchIdForFile('payroll.csv', content, key);
  expect(batchId).toMatch(/^payroll-[0-9a-f]{10}$/);
  expect(batchId).not.toContain(createHash('sha256').update(content).digest('hex').slice(0, 10));
  expect(batchIdForFile('payroll.csv', content, key)).toBe(batchId);
  expect(batchIdForFile('payroll.csv', content, `${key}-other`)).not.toBe(batchId);
});
