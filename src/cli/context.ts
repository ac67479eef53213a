/** What every CLI command needs: the configuration, a connected client, where things are shown. */
import { isGrpcServiceError } from '@temporalio/client';
import { codecFromConfig, payoutsDataConverter } from '../codec/index.js';
import { cardFingerprintKeyOf, type Config, ConfigError, config, providerTaskQueues } from '../config.js';
import { temporalConnectionOptions } from '../temporal-connection.js';
import { operatorIdentity } from '../client/operator-identity.js';
import type { Output } from './output.js';
import { PayoutsClient } from '../client/payouts-client.js';
import {
  BatchNotFoundError,
  BatchValidationError,
  PayoutNotFoundError,
  PayoutValidationError,
} from '../client/errors.js';

export interface CliContext {
  out: Output;
  cfg: Config;
  /** Connects on first use (commands that fail validation never connect). */
  client(): Promise<PayoutsClient>;
  close(): Promise<void>;
}

/**
 * Exit codes, the same for every command (`payouts --help`, docs/CLIENTS.md): 0 done and every payout paid;
 * 1 a payout or item was not paid, or a command failed; 2 invalid input, nothing was started; 3 no such payout
 * or batch; 4 Temporal could not be reached.
 */
export const exitCodes = { ok: 0, notPaid: 1, failed: 1, invalidInput: 2, notFound: 3, unreachable: 4 } as const;

export const exitCodeHelp = [
  'Exit codes:',
  '  0  done; every payout in it paid',
  '  1  a payout or item was not paid (declined, rejected, in review), or the command failed',
  '  2  invalid input: a bad file, request or option; nothing was started',
  '  3  no such payout or batch',
  '  4  Temporal could not be reached',
].join('\n');

/** A service the command needs (the relay) did not answer: exit 4, like an unreachable Temporal. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** The exit code for an error a command threw. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof PayoutNotFoundError || error instanceof BatchNotFoundError) return exitCodes.notFound;
  if (error instanceof PayoutValidationError || error instanceof BatchValidationError) return exitCodes.invalidInput;
  if (error instanceof ConfigError) return exitCodes.invalidInput;
  if (error instanceof UnreachableError || isUnreachable(error)) return exitCodes.unreachable;
  return exitCodes.failed;
}

/** gRPC's UNAVAILABLE and DEADLINE_EXCEEDED. */
const unreachableCodes: readonly number[] = [14, 4];

/** The connection failed, or the server answered "unavailable" / did not answer in time. */
function isUnreachable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && unreachableCodes.includes(cause.code)) {
      return true;
    }
    if (cause.name === 'TransportError' || /Failed to connect|connection refused|ECONNREFUSED/i.test(cause.message)) {
      return true;
    }
  }
  return false;
}

export function cliContext(out: Output): CliContext {
  const cfg = config();
  let connected: Promise<PayoutsClient> | undefined;
  return {
    out,
    cfg,
    client() {
      connected ??= Promise.all([
        codecFromConfig(cfg, { allowDevelopmentKey: true, warn: (line) => out.error(line) }),
        temporalConnectionOptions(cfg),
      ]).then(([codec, { address: _address, ...connection }]) =>
        PayoutsClient.connect({
          connection,
          address: cfg.TEMPORAL_ADDRESS,
          namespace: cfg.TEMPORAL_NAMESPACE,
          taskQueue: cfg.PAYOUTS_TASK_QUEUE,
          providerTaskQueues: providerTaskQueues(cfg),
          approvalThresholds: cfg.BATCH_APPROVAL_THRESHOLDS,
          identity: operatorIdentity(cfg.PAYOUTS_OPERATOR),
          dataConverter: payoutsDataConverter(codec),
          cardFingerprintKey: cardFingerprintKeyOf(cfg),
        }),
      );
      return connected;
    },
    async close() {
      // A connection that never came (a configuration error, already reported) has nothing to close.
      const client = await connected?.catch(() => undefined);
      await client?.close();
    },
  };
}

/**
 * The Temporal UI page of a workflow: under TEMPORAL_UI_URL when set (compose, Temporal Cloud), else on the
 * host of TEMPORAL_ADDRESS and TEMPORAL_UI_PORT (the local dev server).
 */
export function uiLink(
  cfg: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_UI_PORT' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_UI_URL'>,
  workflowId: string,
): string {
  const host = cfg.TEMPORAL_ADDRESS.replace(/:\d+$/, '') || 'localhost';
  const base = (cfg.TEMPORAL_UI_URL ?? `http://${host}:${cfg.TEMPORAL_UI_PORT}`).replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(cfg.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}
