// `npm run build` compiles the sources to plain JavaScript: the signature modules other services import from
// dist/ must come out with the same exports, and behave like the sources.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCommandOrThrow } from '../../src/devstack/commands.js';
import * as ecommpaySignature from '../../src/providers/ecommpay/signature.js';
import * as rbkmoneySignature from '../../src/providers/rbkmoney/signature.js';

let outDir: string;
beforeAll(async () => {
  // Inside the repository, so the built modules resolve their dependencies from node_modules.
  await mkdir(path.resolve('.data'), { recursive: true });
  outDir = await mkdtemp(path.resolve('.data/build-test-'));
  const tsc = path.resolve('node_modules/.bin/tsc');
  await runCommandOrThrow('tsc', tsc, ['-p', 'tsconfig.build.json', '--outDir', outDir], { env: { ...process.env } });
}, 180_000);
afterAll(async () => rm(outDir, { recursive: true, force: true }));

async function built(relative: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(path.join(outDir, relative)).href)) as Record<string, unknown>;
}

test('dist/providers/ecommpay/signature.js exports sign and verify, bit-exact with the sources', async () => {
  const module = await built('providers/ecommpay/signature.js');
  expect(Object.keys(module).sort()).toEqual(Object.keys(ecommpaySignature).sort());
  const sign = module.sign as typeof ecommpaySignature.sign;
  const verify = module.verify as typeof ecommpaySignature.verify;
  const params = { general: { project_id: 874, payment_id: 'p-1' }, payment: { amount: 150000, currency: 'RUB' } };
  const signature = sign(params, 'secret');
  expect(signature).toBe(ecommpaySignature.sign(params, 'secret'));
  expect(verify({ ...params, general: { ...params.general, signature } }, 'secret')).toBe(true);
});

test('dist/providers/rbkmoney/signature.js exports verifyWebhook', async () => {
  const module = await built('providers/rbkmoney/signature.js');
  expect(Object.keys(module).sort()).toEqual(Object.keys(rbkmoneySignature).sort());
  const verifyWebhook = module.verifyWebhook as typeof rbkmoneySignature.verifyWebhook;
  const keys = rbkmoneySignature.generateWebhookKeyPair();
  const body = '{"eventType":"WithdrawalSucceeded"}';
  const header = rbkmoneySignature.signWebhook(body, keys.privateKeyPem);
  expect(verifyWebhook(body, header, keys.publicKey)).toBe(true);
  expect(verifyWebhook(`${body} `, header, keys.publicKey)).toBe(false);
});
