/**
 * The webhook relay's metrics (prom-client), served as GET /metrics on the relay's internal port next to /orphans
 * and /healthz (RELAY_INTERNAL_PORT); its public port serves POST /webhooks/* only (docs/DEPLOYMENT.md).
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/** Why a callback was refused: the HTTP answer it got tells the provider whether to retry. */
export type CallbackRejection = 'unsupported_media_type' | 'body_too_large' | 'bad_signature' | 'malformed';

export interface RelayMetrics {
  readonly registry: Registry;
  received(provider: string): void;
  rejected(provider: string, reason: CallbackRejection): void;
  /** Taken by a workflow: `payout` or `destination` (card binding). */
  delivered(provider: string, target: 'payout' | 'destination'): void;
  /** Authentic, but about nothing we track (answered 200, nothing signalled). */
  ignored(provider: string): void;
  /** Authentic, but no running workflow took it: kept in the orphan journal. */
  orphaned(provider: string, reason: string): void;
  /** Temporal did not take the signal in time: answered 503 so the provider retries. */
  temporalUnavailable(provider: string): void;
}

/** `payout closed (COMPLETED)` -> `payout_closed`: the journal's reason without the per-workflow detail. */
export function orphanReasonLabel(reason: string): string {
  return reason
    .replace(/\s*\(.*\)$/, '')
    .trim()
    .replace(/\s+/g, '_');
}

export function createRelayMetrics(
  registry = new Registry(),
  options: { processMetrics?: boolean } = {},
): RelayMetrics {
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const received = new Counter({
    name: 'payouts_callbacks_received_total',
    help: 'Provider callbacks received by the relay (every POST /webhooks/<provider>)',
    labelNames: ['provider'],
    registers,
  });
  const rejected = new Counter({
    name: 'payouts_callbacks_rejected_total',
    help: 'Callbacks refused before reaching Temporal, by reason (bad_signature 403, malformed 400, 413, 415)',
    labelNames: ['provider', 'reason'],
    registers,
  });
  const delivered = new Counter({
    name: 'payouts_callbacks_delivered_total',
    help: 'Callbacks signalled to their workflow (target: payout or destination)',
    labelNames: ['provider', 'target'],
    registers,
  });
  const ignored = new Counter({
    name: 'payouts_callbacks_ignored_total',
    help: 'Authentic callbacks about nothing payouts tracks (answered 200)',
    labelNames: ['provider'],
    registers,
  });
  const orphaned = new Counter({
    name: 'payouts_callbacks_orphaned_total',
    help: 'Authentic callbacks no running workflow took, kept in the orphan journal (reason: payout_closed, no_such_payout)',
    labelNames: ['provider', 'reason'],
    registers,
  });
  const unavailable = new Counter({
    name: 'payouts_callbacks_temporal_unavailable_total',
    help: 'Callbacks answered 503 because Temporal did not take the signal in time (the provider retries)',
    labelNames: ['provider'],
    registers,
  });
  return {
    registry,
    received: (provider) => received.inc({ provider }),
    rejected: (provider, reason) => rejected.inc({ provider, reason }),
    delivered: (provider, target) => delivered.inc({ provider, target }),
    ignored: (provider) => ignored.inc({ provider }),
    orphaned: (provider, reason) => orphaned.inc({ provider, reason: orphanReasonLabel(reason) }),
    temporalUnavailable: (provider) => unavailable.inc({ provider }),
  };
}
