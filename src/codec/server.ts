/**
 * The codec server for the Temporal UI and CLI (remote codec protocol):
 *   POST …/decode  decrypt, then mask (card numbers, CVVs, secrets) and answer readable json/plain payloads
 *   POST …/encode  encrypt (what the UI sends as signal, query or update input)
 *   GET  /healthz
 * Only the last path segment counts, so `/{namespace}/decode` works for the CLI's endpoint templating.
 * CORS admits the configured UI origins only. /encode and /decode need `Bearer <token>` when a token is set, and
 * always from a caller without an Origin (not a browser): such a caller is refused outright when no token is set.
 * Production requires a token (codecServerToken).
 * Payload contents never reach a log.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { type Config, ConfigError } from '../config.js';
import { PayloadDecryptionError } from './errors.js';
import { maskPayload } from './masking.js';
import { payloadsFromJson, payloadsToJson, WireFormatError } from './wire.js';

/** A history page's payloads fit easily; the server's own payload limit is 2 MB each. */
export const maxBodyBytes = 8 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  host?: string;
  /** Browser origins (the Temporal UI's) allowed to call; requests without an Origin (CLI, curl) are not browsers. */
  corsOrigins: readonly string[];
  /**
   * When set, /encode and /decode require `Authorization: Bearer <token>`. Unset (development only), they answer
   * the allowed browser origins alone: a request without an Origin is refused.
   */
  token?: string;
  /**
   * Development only (`npm start`): the allowed UI origins pass without the token (the dev UI sends none), while
   * scripts and the Temporal CLI still need it. Never in production.
   */
  admitBrowsersWithoutToken?: boolean;
  logger: Logger;
}

export interface CodecServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? '0') > maxBodyBytes) {
      reject(new HttpError(413, 'body too large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (origin === undefined || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    // The UI's "include cross-origin credentials" setting sends cookies; the answer must allow it.
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

/** The token of the codec server process: required when PAYOUTS_ENV=production, where the server must not start without it. */
export function codecServerToken(cfg: Config): string | undefined {
  if (cfg.CODEC_SERVER_TOKEN === undefined && cfg.PAYOUTS_ENV === 'production') {
    throw new ConfigError([
      'CODEC_SERVER_TOKEN: required when PAYOUTS_ENV=production (the codec server hands out decrypted payloads)',
    ]);
  }
  return cfg.CODEC_SERVER_TOKEN;
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const { codec, logger, corsOrigins, token } = options;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<number> {
    const origin = req.headers.origin;
    const cors = corsHeaders(origin, corsOrigins);
    const send = (status: number, body: string, extra: Record<string, string> = {}): number => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors, ...extra });
      res.end(body);
      return status;
    };
    const fail = (status: number, error: string, extra?: Record<string, string>) =>
      send(status, JSON.stringify({ error }), extra);

    const pathname = new URL(req.url ?? '/', 'http://codec.invalid').pathname;
    const operation = /\/(encode|decode)\/?$/.exec(pathname)?.[1] as 'encode' | 'decode' | undefined;
    // A browser from any other origin gets nothing: no CORS headers, and no work done on its behalf.
    if (origin !== undefined && !corsOrigins.includes(origin)) return fail(403, 'origin not allowed');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return 204;
    }
    if (req.method === 'GET' && (pathname === '/healthz' || pathname === '/health')) {
      return send(200, JSON.stringify({ status: 'ok' }));
    }
    if (operation === undefined) return fail(404, 'not found');
    if (req.method !== 'POST') return fail(405, 'use POST', { allow: 'POST, OPTIONS' });
    // An Origin header is only the caller's word; without one (curl, a script) nothing but the token admits it.
    const tokenNeeded = origin === undefined || (token !== undefined && !options.admitBrowsersWithoutToken);
    if (tokenNeeded && (token === undefined || !bearerMatches(req.headers.authorization, token))) {
      const reason = token === undefined ? 'no CODEC_SERVER_TOKEN is configured' : 'a valid bearer token is required';
      return fail(401, reason, { 'www-authenticate': 'Bearer' });
    }
    try {
      const payloads = payloadsFromJson(await readBody(req));
      const answer =
        operation === 'encode' ? await codec.encode(payloads) : (await codec.decode(payloads)).map(maskPayload);
      return send(200, payloadsToJson(answer));
    } catch (error) {
      // The protocol answers 400 to bad input and to payloads that do not decode; our messages name key ids only.
      if (error instanceof HttpError) return fail(error.status, error.message);
      if (error instanceof WireFormatError || error instanceof PayloadDecryptionError) return fail(400, error.message);
      logger.error({ err: error, operation }, 'codec server failed');
      return fail(500, 'internal error');
    }
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    void handle(req, res).then(
      (status) => {
        const line = { method: req.method, path: req.url, status, ms: Date.now() - started };
        if (status >= 400) logger.warn(line, 'codec request refused');
        else logger.debug(line, 'codec request');
      },
      (err: unknown) => {
        logger.error({ err }, 'codec server failed');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
