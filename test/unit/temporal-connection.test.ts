import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../src/config.js';
import { temporalConnectionOptions } from '../../src/temporal-connection.js';

describe('temporalConnectionOptions', () => {
  test('the address alone for a plain server', async () => {
    expect(await temporalConnectionOptions(parseConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({
      address: 'temporal:7233',
    });
  });

  test('an API key implies TLS and names the namespace for routing', async () => {
    const cfg = parseConfig({
      TEMPORAL_ADDRESS: 'eu.cloud:7233',
      TEMPORAL_NAMESPACE: 'pay.acc',
      TEMPORAL_API_KEY: 'k',
    });
    expect(await temporalConnectionOptions(cfg)).toEqual({
      address: 'eu.cloud:7233',
      tls: true,
      apiKey: 'k',
      metadata: { 'temporal-namespace': 'pay.acc' },
    });
  });

  test('mTLS reads the certificate and key files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-'));
    await writeFile(path.join(dir, 'c.pem'), 'CERT');
    await writeFile(path.join(dir, 'k.pem'), 'KEY');
    const cfg = parseConfig({
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'c.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'k.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'ns.acc.tmprl.cloud',
    });
    const options = await temporalConnectionOptions(cfg);
    expect(options.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      serverNameOverride: 'ns.acc.tmprl.cloud',
    });
  });

  test('a certificate without its key, or an unreadable file, is a configuration error naming the variable', async () => {
    await expect(temporalConnectionOptions(parseConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/x.pem' }))).rejects.toThrow(
      /TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
    const unreadable = parseConfig({
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/nope/c.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/nope/k.pem',
    });
    await expect(temporalConnectionOptions(unreadable)).rejects.toBeInstanceOf(ConfigError);
  });

  test('TEMPORAL_TLS=true alone: TLS with the system trust store', async () => {
    expect((await temporalConnectionOptions(parseConfig({ TEMPORAL_TLS: 'true' }))).tls).toBe(true);
  });
});
