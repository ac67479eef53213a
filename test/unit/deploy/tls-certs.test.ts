// deploy/tls/make-certs.sh, the one-shot step of docker-compose.yml that makes the CA and the certificates for
// mTLS between our processes and the Temporal frontend: run here with the machine's openssl, the output checked
// with `openssl verify`, and a real TLS handshake that admits a client certificate of the CA and refuses a
// client without one.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parseConfig } from '../../../src/config.js';
import { runCommandOrThrow } from '../../../src/devstack/commands.js';
import { temporalConnectionOptions } from '../../../src/temporal-connection.js';

const run = (command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
  runCommandOrThrow(command, command, args, { env: options.env ?? process.env });
let caDir: string;
let certsDir: string;

beforeAll(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'payouts-tls-'));
  caDir = path.join(root, 'ca');
  certsDir = path.join(root, 'certs');
  await run('sh', ['deploy/tls/make-certs.sh'], { env: { ...process.env, CA_DIR: caDir, CERTS_DIR: certsDir } });
}, 60_000);

const file = (name: string) => path.join(certsDir, name);
const text = async (args: string[]) => (await run('openssl', args)).stdout;

test('the server and every client certificate verify against the CA; the CA key stays out of the shared volume', async () => {
  for (const name of ['server', 'worker', 'relay', 'cli', 'ui', 'admin']) {
    expect(await text(['verify', '-CAfile', file('ca.pem'), file(`${name}.pem`)])).toContain(': OK');
  }
  await expect(stat(file('ca.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  expect((await stat(path.join(caDir, 'ca.key'))).mode & 0o077).toBe(0);
});

test('the server certificate names the frontend as compose reaches it; clients may only authenticate', async () => {
  const server = await text(['x509', '-in', file('server.pem'), '-noout', '-text']);
  expect(server).toMatch(/DNS:temporal\b/);
  expect(server).toContain('TLS Web Server Authentication');
  const worker = await text(['x509', '-in', file('worker.pem'), '-noout', '-text']);
  expect(worker).toContain('TLS Web Client Authentication');
  expect(worker).not.toContain('TLS Web Server Authentication');
  expect(worker).toContain('CN = payouts-worker');
});

test('a second run keeps what exists (every later `up` is a no-op)', async () => {
  const before = await readFile(file('worker.pem'), 'utf8');
  await run('sh', ['deploy/tls/make-certs.sh'], { env: { ...process.env, CA_DIR: caDir, CERTS_DIR: certsDir } });
  expect(await readFile(file('worker.pem'), 'utf8')).toBe(before);
});

test('mTLS: a client with a certificate of the CA is admitted, one without is refused', async () => {
  const server = tls.createServer(
    {
      cert: await readFile(file('server.pem')),
      key: await readFile(file('server.key')),
      ca: await readFile(file('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => socket.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  // The worker's settings as compose sets them, read by the one connection function every process uses.
  const options = await temporalConnectionOptions(
    parseConfig({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('worker.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('worker.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    }),
  );
  const settings = options.tls as { clientCertPair: { crt: Buffer; key: Buffer }; serverRootCACertificate: Buffer };
  const talk = (withCert: boolean) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'temporal',
        ca: settings.serverRootCACertificate,
        ...(withCert ? { cert: settings.clientCertPair.crt, key: settings.clientCertPair.key } : {}),
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
  try {
    expect(await talk(true)).toBe('ok');
    await expect(talk(false)).rejects.toThrow(/certificate|alert|handshake|socket/i);
  } finally {
    server.close();
  }
});
