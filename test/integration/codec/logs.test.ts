// Issue 7: the worker's and the relay's logs hold no card number. Payouts through both providers (card binding,
// callbacks through the relay), a decline, a rejection, a provider refusal and a forged callback run with the
// codec on, every log line of the providers (the worker's activities), the relay and the Temporal SDK captured
// in memory at debug level; then the text is searched for each PAN in every form (digits, grouped digits, JSON
// string, base64) and must show the masked card or payout id.
import { randomInt, randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import { luhnValid, maskPan } from '../../../src/domain/card.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { createLogger, installTemporalLogging } from '../../../src/logging.js';
import { awaitOutcomeUpdate, startPayoutStack, type PayoutStack } from '../payout/stack.js';
import { countForms, total } from './secret-counts.js';

/** A Luhn-valid Visa number no sandbox table knows (so it succeeds), new for every run. */
function randomPan(): string {
  const body = `4${Array.from({ length: 14 }, () => randomInt(10)).join('')}`;
  const check = [...'0123456789'].find((digit) => luhnValid(body + digit));
  return body + check!;
}

const lines: string[] = [];
const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
const logger = createLogger('codec-logs', { level: 'debug', destination });
const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('logs-1'))));

function request(provider: 'ecommpay' | 'rbkmoney', pan: string): PayoutRequestInput {
  return {
    payoutId: `logs-${provider.slice(0, 3)}-${randomUUID().slice(0, 8)}`,
    provider,
    amount: 150_000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder: 'OLGA IVANOVA' },
    customer: { id: 'c-1', ip_address: '127.0.0.1', first_name: 'Olga', last_name: 'Ivanova' },
    sender: { first_name: 'Acme', last_name: 'Ltd', day_of_birth: '01-01-1980' },
  };
}

let stack: PayoutStack;

/**
 * Every path a card number could leak through: two payouts that succeed, a decline, one the worker rejects
 * (validation), one the provider refuses at submission (a provider error), and a forged callback carrying a
 * card number in clear. A fresh random PAN for each; the sandbox decides declines and refusals by the amount.
 */
const scenarios = [
  { name: 'ecommpay paid', status: 'succeeded', input: request('ecommpay', randomPan()) },
  { name: 'rbkmoney paid', status: 'succeeded', input: request('rbkmoney', randomPan()) },
  { name: 'declined', status: 'declined', input: { ...request('ecommpay', randomPan()), amount: 3104 } },
  {
    name: 'validation failure',
    status: 'rejected',
    input: { ...request('ecommpay', randomPan()), sender: { first_name: 'Acme', last_name: 'Ltd' } },
  },
  { name: 'provider error', status: 'declined', input: { ...request('ecommpay', randomPan()), amount: 3028 } },
];
const forgedPan = randomPan();
const panOf = (input: PayoutRequestInput) => (input.card as { pan: string }).pan;

beforeAll(async () => {
  // The worker process routes the SDK's own logs (worker, workflows, activities) into its pino logger too.
  installTemporalLogging(logger, 'DEBUG');
  stack = await startPayoutStack('codec-logs', { dataConverter: payoutsDataConverter(codec), logger });
  const handles = await Promise.all(scenarios.map(({ input }) => stack.start(input)));
  const outcomes = await Promise.all(handles.map((handle) => handle.executeUpdate(awaitOutcomeUpdate)));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(scenarios.map(({ status }) => status));
  // A forged callback about the paid ecommpay payout, the card number in clear in its body: refused (403).
  const forged = {
    project_id: 1000,
    payment: { id: scenarios[0]!.input.payoutId, type: 'payout', status: 'decline', card: forgedPan },
    account: { number: forgedPan },
    signature: 'forged',
  };
  const answer = await fetch(`${stack.relay.url}/webhooks/ecommpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(forged),
  });
  expect(answer.status).toBe(403);
  await Promise.all(handles.map((handle) => handle.result()));
}, 120_000);

afterAll(async () => stack?.close());

/** The PAN as digits, in groups of four (space or dash), and as the whole number in any encoding countForms knows. */
function panOccurrences(text: string, pan: string): number {
  const grouped = [' ', '-'].map((separator) => pan.match(/.{1,4}/g)!.join(separator));
  return total(countForms(text, pan)) + grouped.reduce((sum, form) => sum + text.split(form).length - 1, 0);
}

test('the logs of payouts paid, declined, rejected, refused by the provider and of a forged callback hold no PAN', () => {
  const text = lines.join('');
  const levels = lines.map((line) => (JSON.parse(line) as { level: number }).level);
  const report = scenarios.map(({ name, input }) => {
    const pan = panOf(input);
    return {
      name,
      masked: maskPan(pan),
      panInClear: panOccurrences(text, pan),
      maskedCard: text.split(maskPan(pan)).length - 1,
      payoutId: text.split(input.payoutId).length - 1,
    };
  });
  process.stdout.write(
    `\nlog lines captured: ${lines.length} (debug: ${levels.filter((level) => level === 20).length})\n` +
      `${report.map((r) => `  ${r.name} ${r.masked}: PAN in clear ${r.panInClear}, masked ${r.maskedCard}, payout id ${r.payoutId}`).join('\n')}\n\n`,
  );

  expect(lines.length).toBeGreaterThan(0);
  expect(levels).toContain(20);
  for (const r of report) {
    expect(r).toMatchObject({ panInClear: 0 });
    expect(r.maskedCard + r.payoutId).toBeGreaterThan(0);
  }
  expect({ forged: panOccurrences(text, forgedPan) }).toEqual({ forged: 0 });
  // The relay logged the refusal: the forged callback's path was covered, not skipped.
  expect(text).toMatch(/signature/i);
});
