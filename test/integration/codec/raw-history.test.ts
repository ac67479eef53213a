// Issue 7's proof: real payouts (ecommpay, and RBKmoney with its card binding) run once without the codec and
// once with it; then everything Temporal keeps about them is read raw with the CLI (histories, descriptions,
// visibility records; no codec) and searched for the card numbers and the cardholder in every form. (A CVV is
// refused before anything starts: cvv.test.ts.)
// Without the codec they are there (the search works); with it, nowhere. The counts are printed for the record.
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import { startCodecServer, type CodecServer } from '../../../src/codec/server.js';
import { luhnValid, maskPan } from '../../../src/domain/card.js';
import type { PayoutRequestInput } from '../../../src/domain/payout-request.js';
import { createLogger } from '../../../src/logging.js';
import { payoutStatusQuery } from '../../../src/workflows/definitions.js';
import { testServer } from '../helpers.js';
import { awaitOutcomeUpdate, startPayoutStack, type PayoutHandle, type PayoutStack } from '../payout/stack.js';
import { rawViewsOf, temporalCli, visibilityOf } from './cli.js';
import { countForms, total, type FormCounts } from './secret-counts.js';

const holder = 'MARINA SOKOLOVA';
const keyEntry = generateCodecKeyEntry('it-1');
const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(keyEntry)));
const codecToken = `test-token-${randomUUID()}`;
/** The CLI prints payload metadata as stored: base64. */
const encryptedEncodingBase64 = Buffer.from('binary/encrypted').toString('base64');

/** A Luhn-valid Visa number no sandbox table knows (so it succeeds), new for every run. */
function randomPan(): string {
  const body = `4${Array.from({ length: 14 }, () => randomInt(10)).join('')}`;
  const check = [...'0123456789'].find((digit) => luhnValid(body + digit));
  return body + check!;
}

interface Secret {
  label: string;
  value: string;
}

interface Run {
  stack: PayoutStack;
  handles: PayoutHandle[];
  secrets: Secret[];
  /** source ("history", "describe", "visibility list", ...) -> the raw CLI output over every workflow. */
  views: Record<string, string>;
  workflowIds: string[];
}

function request(provider: 'ecommpay' | 'rbkmoney', pan: string): PayoutRequestInput {
  return {
    payoutId: `codec-${provider.slice(0, 3)}-${randomUUID().slice(0, 8)}`,
    provider,
    amount: 150_000,
    currency: 'RUB',
    card: { pan, expMonth: 12, expYear: 2030, holder },
    customer: { id: 'c-1', ip_address: '127.0.0.1', first_name: 'Marina', last_name: 'Sokolova' },
    sender: { first_name: 'Acme', last_name: 'Ltd', day_of_birth: '01-01-1980' },
  };
}

async function payAndReadRaw(stack: PayoutStack): Promise<Run> {
  const pans = { ecommpay: randomPan(), rbkmoney: randomPan() };
  const handles = [
    await stack.start(request('ecommpay', pans.ecommpay)),
    await stack.start(request('rbkmoney', pans.rbkmoney)),
  ];
  const outcomes = await Promise.all(handles.map((handle) => handle.executeUpdate(awaitOutcomeUpdate)));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded']);
  // Closed workflows: every input, result and event is in the history by now.
  await Promise.all(handles.map((handle) => handle.result()));

  // Two payouts and the RBKmoney card binding.
  const visibility = await visibilityOf(stack.taskQueue, 3);
  expect(visibility.ids).toHaveLength(3);
  const views: Record<string, string> = { 'visibility list': visibility.raw };
  for (const id of visibility.ids) {
    for (const [source, text] of Object.entries(await rawViewsOf(id)))
      views[source] = `${views[source] ?? ''}\n${text}`;
  }
  const secrets = [
    { label: `ecommpay PAN ${maskPan(pans.ecommpay)}`, value: pans.ecommpay },
    { label: `rbkmoney PAN ${maskPan(pans.rbkmoney)}`, value: pans.rbkmoney },
    { label: 'cardholder', value: holder },
  ];
  return { stack, handles, secrets, views, workflowIds: visibility.ids };
}

type Counts = Record<string, Record<string, FormCounts>>;

function countAll(run: Run): Counts {
  return Object.fromEntries(
    run.secrets.map((secret) => [
      secret.label,
      Object.fromEntries(Object.entries(run.views).map(([source, text]) => [source, countForms(text, secret.value)])),
    ]),
  );
}

const sum = (bySource: Record<string, FormCounts>, form: keyof FormCounts): number =>
  Object.values(bySource).reduce((acc, counts) => acc + counts[form], 0);

function report(title: string, counts: Counts): string {
  const lines = [
    title,
    '  secret                         text  json-string  base64  in-decoded-base64  total  (by source)',
  ];
  for (const [label, bySource] of Object.entries(counts)) {
    const perSource = Object.entries(bySource)
      .map(([source, c]) => `${source}: ${total(c)}`)
      .join(', ');
    const forms = (['text', 'jsonString', 'base64', 'insideBase64'] as const).map((form) => sum(bySource, form));
    const grand = Object.values(bySource).reduce((acc, c) => acc + total(c), 0);
    lines.push(
      `  ${label.padEnd(30)} ${String(forms[0]).padStart(4)} ${String(forms[1]).padStart(12)} ${String(forms[2]).padStart(7)} ${String(forms[3]).padStart(18)} ${String(grand).padStart(6)}  (${perSource})`,
    );
  }
  return lines.join('\n');
}

let plain: Run;
let encrypted: Run;
let codecServer: CodecServer;

beforeAll(async () => {
  const plainStack = await startPayoutStack('codec-off');
  try {
    plain = await payAndReadRaw(plainStack);
  } finally {
    await plainStack.close();
  }
  encrypted = await payAndReadRaw(await startPayoutStack('codec-on', { dataConverter: payoutsDataConverter(codec) }));
  codecServer = await startCodecServer({
    codec,
    port: 0,
    corsOrigins: [],
    token: codecToken,
    logger: createLogger('codec-server', { level: 'silent' }),
  });
  process.stdout.write(
    `\n${report('raw history grep counts, codec OFF', countAll(plain))}\n` +
      `${report('raw history grep counts, codec ON', countAll(encrypted))}\n\n`,
  );
}, 300_000);

afterAll(async () => {
  await codecServer?.close();
  await encrypted?.stack.close();
});

test('without the codec, the raw history holds every card secret (so the search can find them)', () => {
  // This CLI prints payloads as stored (base64 JSON), so the secrets are found in their base64 forms.
  const found = Object.entries(countAll(plain)).map(([label, bySource]) => ({
    label,
    found: Object.values(bySource).reduce((acc, counts) => acc + total(counts), 0) > 0,
  }));
  expect(found).toEqual(plain.secrets.map(({ label }) => ({ label, found: true })));
});

test('with the codec, no card number or cardholder appears anywhere, in any form', () => {
  const found = Object.entries(countAll(encrypted)).flatMap(([label, bySource]) =>
    Object.entries(bySource)
      .filter(([, counts]) => total(counts) > 0)
      .map(([source, counts]) => ({ label, source, counts })),
  );
  expect(found).toEqual([]);
  expect(encrypted.views.history).toContain(encryptedEncodingBase64);
});

test('a client with the codec reads the result and the query; after rotation too; one without cannot', async () => {
  const [handle] = encrypted.handles;
  const expected = { status: 'succeeded', maskedCard: maskPan(encrypted.secrets[0]!.value) };
  expect(await handle!.result()).toMatchObject(expected);
  expect((await handle!.query(payoutStatusQuery)).status).toBe('succeeded');

  const { connection } = encrypted.stack.conns.client;
  const { namespace } = testServer();
  const rotated = new EncryptionCodec(new CodecKeyring(parseCodecKeys(`${keyEntry},${generateCodecKeyEntry('it-2')}`)));
  expect(rotated.activeKeyId).toBe('it-2');
  const afterRotation = new Client({ connection, namespace, dataConverter: payoutsDataConverter(rotated) });
  expect(await afterRotation.workflow.getHandle(handle!.workflowId).result()).toMatchObject(expected);

  const withoutCodec = new Client({ connection, namespace });
  await expect(withoutCodec.workflow.getHandle(handle!.workflowId).result()).rejects.toThrow(/binary\/encrypted/);
});

test('the CLI through the codec server sees the data with the card masked, the holder as initials and the CVV gone', async () => {
  const [handle] = encrypted.handles;
  const shown = await temporalCli([
    'workflow',
    'show',
    '--workflow-id',
    handle!.workflowId,
    '--codec-endpoint',
    codecServer.url,
    '--codec-auth',
    `Bearer ${codecToken}`,
  ]);
  const pan = encrypted.secrets[0]!.value;
  expect(shown).not.toContain(encryptedEncodingBase64);
  expect(countForms(shown, maskPan(pan)).insideBase64).toBeGreaterThan(0);
  // The cardholder as initials only (docs/SECURITY.md, "What a UI user sees").
  expect(countForms(shown, 'M*** S***').insideBase64).toBeGreaterThan(0);
  expect(total(countForms(shown, holder))).toBe(0);
  expect(total(countForms(shown, pan))).toBe(0);
});
