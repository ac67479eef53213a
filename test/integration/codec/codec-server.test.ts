// The codec server over HTTP, as the Temporal UI (a browser) and the CLI call it: CORS, the bearer token,
// masking on decode, encode then decode.
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import { startCodecServer, type CodecServer } from '../../../src/codec/server.js';
import { payloadsFromJson, payloadsToJson } from '../../../src/codec/wire.js';
import { runNodeScript } from '../../../src/devstack/commands.js';
import { freePort } from '../../../src/devstack/ports.js';
import { createLogger } from '../../../src/logging.js';

const uiOrigin = 'http://localhost:8233';
const token = `codec-token-${randomUUID()}`;
const pan = '4242424242424242';
const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('srv-1'))));
let server: CodecServer;

beforeAll(async () => {
  server = await startCodecServer({
    codec,
    port: 0,
    corsOrigins: [uiOrigin, 'http://127.0.0.1:8233'],
    token,
    logger: createLogger('codec-server-test', { level: 'silent' }),
  });
});
afterAll(async () => server.close());

const auth = { authorization: `Bearer ${token}` };

async function post(path: string, body: string, headers: Record<string, string> = auth) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const encrypted = async (value: unknown): Promise<string> =>
  payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload(value)]));

const values = (json: string): unknown[] =>
  payloadsFromJson(json).map((payload) => defaultPayloadConverter.fromPayload(payload));

test('a CORS preflight from the UI is allowed, with the X-Namespace and Authorization headers', async () => {
  const response = await fetch(`${server.url}/decode`, {
    method: 'OPTIONS',
    headers: {
      origin: uiOrigin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-namespace,authorization',
    },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
  for (const header of ['content-type', 'x-namespace', 'authorization']) expect(allowed).toContain(header);
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
});

test('another origin gets no CORS headers and no answer', async () => {
  const preflight = await fetch(`${server.url}/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(preflight.status).toBe(403);
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  const direct = await post('/decode', await encrypted({ pan }), { ...auth, origin: 'https://evil.example' });
  expect(direct.status).toBe(403);
  expect(direct.text).not.toContain('424242');
});

test('without the bearer token, or with a wrong one: 401, still readable by the UI', async () => {
  const body = await encrypted({ pan });
  const missing = await post('/decode', body, { origin: uiOrigin });
  expect(missing.status).toBe(401);
  expect(missing.headers.get('www-authenticate')).toBe('Bearer');
  expect(missing.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  expect((await post('/encode', body, { authorization: 'Bearer nope' })).status).toBe(401);
});

test('without a token configured, a request without an Origin (curl, a script) gets 401; the UI origin passes', async () => {
  const open = await startCodecServer({
    codec,
    port: 0,
    corsOrigins: [uiOrigin],
    logger: createLogger('codec-server-test', { level: 'silent' }),
  });
  try {
    const body = await encrypted({ pan, holder: 'IVAN PETROV' });
    const call = (headers: Record<string, string>) =>
      fetch(`${open.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const bare = await call({});
    expect(bare.status).toBe(401);
    expect(await bare.text()).not.toContain('424242');
    expect((await call({ origin: uiOrigin })).status).toBe(200);
    expect((await fetch(`${open.url}/healthz`)).status).toBe(200);
  } finally {
    await open.close();
  }
});

test('in development a token may admit scripts while the local UI passes without one', async () => {
  const dev = await startCodecServer({
    codec,
    port: 0,
    corsOrigins: [uiOrigin],
    token,
    admitBrowsersWithoutToken: true,
    logger: createLogger('codec-server-test', { level: 'silent' }),
  });
  try {
    const body = await encrypted({ pan });
    const call = (headers: Record<string, string>) =>
      fetch(`${dev.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await call({ origin: uiOrigin })).status).toBe(200);
    expect((await call({})).status).toBe(401);
    expect((await call(auth)).status).toBe(200);
  } finally {
    await dev.close();
  }
});

test('with PAYOUTS_ENV=production the codec server refuses to start without CODEC_SERVER_TOKEN', async () => {
  const port = await freePort();
  const run = await runNodeScript('src/codec/main.ts', [], {
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'CODEC_SERVER_TOKEN')),
      PAYOUTS_ENV: 'production',
      CODEC_KEYS: generateCodecKeyEntry('prod-1'),
      CODEC_SERVER_PORT: String(port),
      LOG_LEVEL: 'info',
    },
    timeoutMs: 30_000,
    // Old behaviour: it listens; stop it then, so the test fails on the exit code, not on a timeout.
    stopWhen: (output) => output.includes('listening'),
  });
  expect(run.stdout + run.stderr).toContain('CODEC_SERVER_TOKEN: required when PAYOUTS_ENV=production');
  expect([run.code, run.signal]).toEqual([1, null]);
});

test('decode answers readable json/plain with the card masked, the CVV dropped and secrets hidden', async () => {
  const input = { request: { card: { pan, cvv: '123', holder: 'IVAN PETROV' }, note: `card ${pan}` }, apiKey: 'k' };
  const response = await post('/decode', await encrypted(input), { ...auth, origin: uiOrigin });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const [payload] = payloadsFromJson(response.text);
  expect(Buffer.from(payload!.metadata!.encoding!).toString()).toBe('json/plain');
  expect(Buffer.from(payload!.data!).toString()).not.toContain(pan);
  expect(values(response.text)).toEqual([
    {
      request: { card: { pan: '424242******4242', holder: 'I*** P***' }, note: 'card 424242******4242' },
      apiKey: '[masked]',
    },
  ]);
});

test('encode encrypts what the UI sends; decode reads it back (under a namespace path too)', async () => {
  const signal = { reason: 'ops asked', attempts: [1, 2] };
  const encoded = await post('/encode', payloadsToJson([defaultPayloadConverter.toPayload(signal)]));
  expect(encoded.status).toBe(200);
  const [payload] = payloadsFromJson(encoded.text);
  expect(Buffer.from(payload!.metadata!.encoding!).toString()).toBe('binary/encrypted');
  expect(encoded.text).not.toContain('ops asked');

  const decoded = await post('/default/decode', encoded.text);
  expect(decoded.status).toBe(200);
  expect(values(decoded.text)).toEqual([signal]);
});

test('bad input and undecryptable payloads are 400 with a reason naming the key id only', async () => {
  expect((await post('/decode', 'not json')).status).toBe(400);
  expect((await post('/decode', JSON.stringify({ payloads: [{ data: '%%%' }] }))).status).toBe(400);

  const other = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('gone-7'))));
  const foreign = payloadsToJson(await other.encode([defaultPayloadConverter.toPayload({ pan })]));
  const response = await post('/decode', foreign);
  expect(response.status).toBe(400);
  expect((JSON.parse(response.text) as { error: string }).error).toContain('key "gone-7" is not configured');
});

test('health, unknown paths and methods', async () => {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
  expect((await fetch(`${server.url}/decode`)).status).toBe(405);
});
