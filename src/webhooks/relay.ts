/**
 * The webhook relay: provider callbacks in, workflow signals out. Two listeners: the public port, reachable by
 * the providers, serves the callbacks and nothing else (404 for any other path); the internal port (loopback by
 * default) serves what ops and Prometheus read.
 * Public:
 *   POST /webhooks/<provider>  JSON only (415), at most 1 MB (413); verify the signature over the raw body
 *                              (403), parse (400), signal `payout-<key>` (the attempt owning the key)
 *                              (card bindings: `destination-<externalID>`);
 *                              200 only once Temporal took the signal, 503 when it is unreachable (the provider
 *                              retries), 200 for an authentic event no running payout takes (kept as an orphan)
 * Internal:
 *   GET  /orphans              the orphan events (payout ids, amounts, statuses), for ops
 *   GET  /metrics              Prometheus metrics (src/metrics/relay-metrics.ts)
 *   GET  /healthz
 * Duplicates and reordering are harmless: the workflow deduplicates by event id and never leaves a terminal state.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import { type Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { Logger } from 'pino';
import { providerNames, type ProviderName } from '../domain/payout-request.js';
import type { BindingEvent, ProviderEvent } from '../providers/contract.js';
import type { ProviderRegistry } from '../providers/registry.js';
import {
  bindingEventSignal,
  destinationWorkflowId,
  providerEventSignal,
  workflowIdOfKey,
} from '../workflows/definitions.js';
import { createRelayMetrics, type RelayMetrics } from '../metrics/relay-metrics.js';
import type { OrphanJournal } from './orphans.js';

export const maxBodyBytes = 1024 * 1024;

export interface RelayOptions {
  client: Client;
  providers: ProviderRegistry;
  orphans: OrphanJournal;
  logger: Logger;
  /** Counted callbacks, served as GET /metrics on the internal port; a private registry when not given. */
  metrics?: RelayMetrics;
  /** Events that concern something other than a payout (RBKmoney destination events). */
  onOtherEvent?: (
    provider: ProviderName,
    other: { kind: string; subject: string; detail: Record<string, unknown> },
  ) => Promise<void>;
}

export interface Relay {
  server: http.Server;
  /** The public listener: callbacks only. */
  url: string;
  internalServer: http.Server;
  /** The internal listener: orphans, metrics, health. */
  internalUrl: string;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBodyBytes) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** gRPC's NOT_FOUND: the workflow has no running execution. */
const grpcNotFound = 5;

/** Is a signal failure Temporal's "no such (running) workflow", as opposed to Temporal being unreachable? */
function isMissingWorkflow(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && Number(error.code) === grpcNotFound);
}

/**
 * The signal's request id, derived from the event's identity (parsed content, never raw text): Temporal records
 * the request ids a run has been signalled with and answers a repeat as delivered without adding an event, so a
 * replayed callback, however often it comes, grows the history once.
 */
export function signalRequestId(workflowId: string, eventId: string): string {
  const hex = createHash('sha256').update(`${workflowId}\n${eventId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** How long a callback waits for Temporal before the provider is told to retry (503). */
export const temporalDeadlineMs = 5_000;

/** The relay's two request handlers: `public` (callbacks only) and `internal` (orphans, metrics, health). */
export function createRelayHandlers(options: RelayOptions): {
  public: http.RequestListener;
  internal: http.RequestListener;
} {
  const { client, providers, orphans, logger } = options;
  const metrics = options.metrics ?? createRelayMetrics(undefined, { processMetrics: false });
  const withinDeadline = <T>(call: () => Promise<T>) =>
    client.connection.withDeadline(Date.now() + temporalDeadlineMs, call);

  /** A signal whose request id is the event's identity: Temporal takes each event once per run. */
  async function signalOnce(workflowId: string, signalName: string, arg: unknown, eventId: string): Promise<void> {
    const payloads = await encodeToPayloads(client.options.loadedDataConverter, arg);
    await client.workflowService.signalWorkflowExecution({
      namespace: client.options.namespace,
      workflowExecution: { workflowId },
      signalName,
      input: { payloads },
      identity: client.options.identity,
      requestId: signalRequestId(workflowId, eventId),
    });
  }

  async function deliver(
    provider: ProviderName,
    event: ProviderEvent,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    // Each attempt is its own workflow: `payout-<payoutId>` for the first, `payout-<payoutId>.a<n>` later.
    const workflowId = workflowIdOfKey(event.idempotencyKey);
    try {
      await withinDeadline(() => signalOnce(workflowId, providerEventSignal.name, event, event.eventId));
      logger.info({ provider, workflowId, eventId: event.eventId, state: event.status.state }, 'callback delivered');
      metrics.delivered(provider, 'payout');
      return { status: 200, body: { delivered: workflowId } };
    } catch (error) {
      if (!isMissingWorkflow(error)) throw error;
      const reason = await closedOrMissing(workflowId);
      await orphans.add({ receivedAt: new Date().toISOString(), workflowId, reason, event });
      logger.warn({ provider, workflowId, eventId: event.eventId, reason }, 'callback kept as orphan');
      metrics.orphaned(provider, reason);
      return { status: 200, body: { orphan: workflowId, reason } };
    }
  }

  /** A card binding's news goes to its DestinationWorkflow; one that has ended no longer needs it. */
  async function deliverBinding(
    provider: ProviderName,
    binding: BindingEvent,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const workflowId = destinationWorkflowId(binding.idempotencyKey);
    try {
      await withinDeadline(() => signalOnce(workflowId, bindingEventSignal.name, binding, binding.eventId));
      logger.info({ provider, workflowId, eventId: binding.eventId, state: binding.state }, 'binding event delivered');
      metrics.delivered(provider, 'destination');
      return { status: 200, body: { delivered: workflowId } };
    } catch (error) {
      if (!isMissingWorkflow(error)) throw error;
      const reason = await closedOrMissing(workflowId);
      await orphans.add({ receivedAt: new Date().toISOString(), workflowId, reason, event: binding });
      metrics.orphaned(provider, reason);
      return { status: 200, body: { orphan: workflowId, reason } };
    }
  }

  async function closedOrMissing(workflowId: string): Promise<string> {
    try {
      const description = await withinDeadline(() => client.workflow.getHandle(workflowId).describe());
      return `payout closed (${description.status.name})`;
    } catch {
      return 'no such payout';
    }
  }

  async function handleCallback(provider: ProviderName, req: http.IncomingMessage, res: http.ServerResponse) {
    metrics.received(provider);
    // Both providers post JSON; anything else is not a callback of theirs.
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
      req.resume();
      metrics.rejected(provider, 'unsupported_media_type');
      return answer(res, 415, { error: 'callbacks are application/json' });
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        metrics.rejected(provider, 'body_too_large');
        return answer(res, 413, { error: `body larger than ${maxBodyBytes} bytes` });
      }
      throw error;
    }
    const parsed = providers.get(provider).parseCallback(body, req.headers);
    if (!parsed.ok) {
      const status = parsed.rejection === 'bad_signature' ? 403 : 400;
      logger.warn({ provider, rejection: parsed.rejection, reason: parsed.reason }, 'callback rejected');
      metrics.rejected(provider, parsed.rejection);
      return answer(res, status, { error: parsed.rejection, reason: parsed.reason });
    }
    try {
      if (parsed.event === null) {
        if (parsed.binding) {
          const result = await deliverBinding(provider, parsed.binding);
          return answer(res, result.status, result.body);
        }
        logger.info({ provider, kind: parsed.other.kind }, 'callback about nothing we track');
        metrics.ignored(provider);
        return answer(res, 200, { accepted: parsed.other.kind });
      }
      const result = await deliver(provider, parsed.event);
      return answer(res, result.status, result.body);
    } catch (error) {
      logger.error({ provider, error: error instanceof Error ? error.message : String(error) }, 'Temporal unreachable');
      metrics.temporalUnavailable(provider);
      return answer(res, 503, { error: 'temporal unavailable, retry later' });
    }
  }

  const serve =
    (route: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>): http.RequestListener =>
    (req, res) => {
      route(req, res, new URL(req.url ?? '/', 'http://relay')).catch((error: unknown) => {
        logger.error({ error: error instanceof Error ? error.message : String(error) }, 'relay failure');
        if (!res.headersSent) answer(res, 500, { error: 'internal error' });
      });
    };

  const publicRoutes = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const route = /^\/webhooks\/([a-z]+)\/?$/.exec(url.pathname);
    if (route && req.method === 'POST') {
      const provider = route[1] as ProviderName;
      if (!(providerNames as readonly string[]).includes(provider))
        return answer(res, 404, { error: 'unknown provider' });
      return handleCallback(provider, req, res);
    }
    req.resume();
    return answer(res, 404, { error: 'not found' });
  };

  const internalRoutes = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      return void res.end(body);
    }
    if (req.method === 'GET' && url.pathname === '/orphans') return answer(res, 200, { orphans: await orphans.list() });
    if (req.method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/health')) {
      return answer(res, 200, { status: 'ok' });
    }
    req.resume();
    return answer(res, 404, { error: 'not found' });
  };

  return { public: serve(publicRoutes), internal: serve(internalRoutes) };
}

export interface RelayListenOptions {
  /** The public port (the providers' callbacks) and its host; 0.0.0.0 by default. */
  port: number;
  host?: string;
  /** The internal port (orphans, metrics, health) and its host; loopback by default; 0 picks a free port. */
  internalPort?: number;
  internalHost?: string;
}

async function listen(handler: http.RequestListener, port: number, host: string) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shown}:${bound}` };
}

const closeServer = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export async function startRelay(options: RelayOptions & RelayListenOptions): Promise<Relay> {
  const handlers = createRelayHandlers(options);
  const external = await listen(handlers.public, options.port, options.host ?? '0.0.0.0');
  let internal: Awaited<ReturnType<typeof listen>>;
  try {
    internal = await listen(handlers.internal, options.internalPort ?? 0, options.internalHost ?? '127.0.0.1');
  } catch (error) {
    await closeServer(external.server);
    throw error;
  }
  return {
    server: external.server,
    url: external.url,
    internalServer: internal.server,
    internalUrl: internal.url,
    close: async () => {
      await Promise.all([closeServer(external.server), closeServer(internal.server)]);
    },
  };
}
