/**
 * The sandbox's HTTP server: node:http, a tiny router, JSON replies, a body limit, and the per-request fault
 * knobs (latency, 5xx, time-out after acceptance) applied the same way for every provider.
 *
 * How a provider module registers its routes (see src/sandbox/ecommpay/index.ts for a complete one):
 * 1. Write a `SandboxProviderFactory` (./provider-module.ts): it gets the shared context (ledger, faults,
 *    callback dispatcher, timers, timing, logger) and returns `{ name, routes, reset?, resume? }`.
 * 2. Each route is `{ method, path, kind, provider, handle }`. `path` may hold `:name` segments
 *    (`/wallet/v0/withdrawals/:id` -> `request.params.id`); the query string is in `request.query`.
 *    `kind: 'query'` gets latency and injected 5xx; `kind: 'create'` also the time-out after acceptance,
 *    which the server applies to a 2xx reply (so the handler must have recorded the payout in the ledger
 *    before it returns). `handle` gets the raw body (`request.body`, parse it with `parseJsonBody`) and
 *    returns a `Reply` (`jsonReply(status, body)`).
 * 3. Add the factory to `providerModules` in ./sandbox.ts (and its settings to ./config.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ProviderName } from '../domain/payout-request.js';
import type { Faults } from './faults.js';
import {
  BodyTooLarge,
  defaultBodyLimitBytes,
  jsonReply,
  matchPath,
  readBody,
  type Reply,
  type SandboxRequest,
  send,
} from './http.js';
import { Timers } from './timers.js';

export { jsonReply, parseJsonBody, type Reply, type SandboxRequest } from './http.js';

type Handler = (request: SandboxRequest) => Reply | Promise<Reply>;

export type Route =
  | { method: 'GET' | 'POST'; path: string; kind: 'control'; handle: Handler }
  | { method: 'GET' | 'POST'; path: string; kind: 'query' | 'create'; provider: ProviderName; handle: Handler };

export interface SandboxServerOptions {
  routes: Route[];
  faults: Faults;
  logger: Logger;
  bodyLimitBytes?: number;
}

export interface SandboxServer {
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createSandboxServer(options: SandboxServerOptions): SandboxServer {
  const { routes, faults, logger } = options;
  const bodyLimit = options.bodyLimitBytes ?? defaultBodyLimitBytes;
  // Latency and held connections: cancelled only at shutdown, never by a sandbox reset.
  const timers = new Timers();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const method = request.method ?? 'GET';
    const onPath = routes
      .map((route) => ({ route, params: matchPath(route.path, url.pathname) }))
      .filter((match) => match.params !== undefined);
    const match = onPath.find(({ route }) => route.method === method);
    const done = (reply: Reply | 'no answer') => {
      const status = reply === 'no answer' ? 'no answer' : reply.status;
      logger.debug({ method, path: url.pathname, status, ms: Date.now() - started }, 'sandbox request');
      if (reply !== 'no answer') send(response, reply);
    };

    if (!match) {
      const allow = [...new Set(onPath.map(({ route }) => route.method))].join(', ');
      if (allow) return done(jsonReply(405, { error: 'method not allowed' }, { allow }));
      return done(jsonReply(404, { error: `no route for ${method} ${url.pathname}` }));
    }
    const { route, params = {} } = match;

    let body: Buffer;
    try {
      body = await readBody(request, bodyLimit);
    } catch (error) {
      if (error instanceof BodyTooLarge) return done(jsonReply(413, { error: `body over ${bodyLimit} bytes` }));
      throw error;
    }

    if (route.kind !== 'control') {
      const latency = faults.latency(route.provider);
      if (latency > 0) await timers.sleep(latency);
      const serverError = faults.serverError(route.provider);
      if (serverError !== undefined) return done({ status: serverError, text: 'sandbox: injected server error' });
    }

    const reply = await route.handle({
      method,
      path: url.pathname,
      params,
      query: url.searchParams,
      headers: request.headers,
      body,
    });

    const accepted = reply.status >= 200 && reply.status < 300;
    if (route.kind === 'create' && accepted && faults.timeoutAfterAccept(route.provider)) {
      // Carried out, never answered: the connection is held, then closed without a response.
      timers.after(faults.settings.timeoutHangMs, () => request.socket.destroy());
      return done('no answer');
    }
    done(reply);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'sandbox handler failed');
      if (!response.headersSent) send(response, jsonReply(500, { error: 'sandbox internal error' }));
      else response.destroy();
    });
  });

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        timers.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
