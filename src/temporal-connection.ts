/**
 * How every process connects to Temporal: the address alone (the dev server, a private cluster), TLS, mTLS
 * with a client certificate, or an API key (Temporal Cloud). One function, used by the worker, the relay and
 * the client, so they can never disagree.
 */
import { readFile } from 'node:fs/promises';
import { type Config, ConfigError } from './config.js';

export interface TemporalConnectionOptions {
  address: string;
  tls?:
    | boolean
    | {
        clientCertPair?: { crt: Buffer; key: Buffer };
        serverRootCACertificate?: Buffer;
        serverNameOverride?: string;
      };
  apiKey?: string;
  metadata?: Record<string, string>;
}

export async function temporalConnectionOptions(cfg: Config): Promise<TemporalConnectionOptions> {
  const certPath = cfg.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const keyPath = cfg.TEMPORAL_TLS_CLIENT_KEY_PATH;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError([
      `${certPath === undefined ? 'TEMPORAL_TLS_CLIENT_CERT_PATH' : 'TEMPORAL_TLS_CLIENT_KEY_PATH'}: required together with the other mTLS file`,
    ]);
  }
  const read = async (file: string, variable: string) => {
    try {
      return await readFile(file);
    } catch {
      throw new ConfigError([`${variable}: ${file} cannot be read`]);
    }
  };
  const options: TemporalConnectionOptions = { address: cfg.TEMPORAL_ADDRESS };
  const wantsTls =
    cfg.TEMPORAL_TLS === true ||
    certPath !== undefined ||
    cfg.TEMPORAL_API_KEY !== undefined ||
    cfg.TEMPORAL_TLS_SERVER_CA_CERT_PATH !== undefined;
  if (wantsTls && cfg.TEMPORAL_TLS !== false) {
    const tls = {
      ...(certPath && keyPath
        ? {
            clientCertPair: {
              crt: await read(certPath, 'TEMPORAL_TLS_CLIENT_CERT_PATH'),
              key: await read(keyPath, 'TEMPORAL_TLS_CLIENT_KEY_PATH'),
            },
          }
        : {}),
      ...(cfg.TEMPORAL_TLS_SERVER_CA_CERT_PATH
        ? {
            serverRootCACertificate: await read(
              cfg.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
              'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
            ),
          }
        : {}),
      ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
    };
    options.tls = Object.keys(tls).length > 0 ? tls : true;
  }
  if (cfg.TEMPORAL_API_KEY) {
    options.apiKey = cfg.TEMPORAL_API_KEY;
    // Temporal Cloud routes API-key requests by this header.
    options.metadata = { 'temporal-namespace': cfg.TEMPORAL_NAMESPACE };
  }
  return options;
}
