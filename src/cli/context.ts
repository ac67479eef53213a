/** What every CLI command needs: the configuration, a connected client, where things are shown. */
import { codecFromConfig, payoutsDataConverter } from '../codec/index.js';
import { cardFingerprintKeyOf, type Config, config, providerTaskQueues } from '../config.js';
import { temporalConnectionOptions } from '../temporal-connection.js';
import { defaultSubmitter } from '../client/batch-submission.js';
import type { Output } from './output.js';
import { PayoutsClient } from '../client/payouts-client.js';

export interface CliContext {
  out: Output;
  cfg: Config;
  /** Connects on first use (commands that fail validation never connect). */
  client(): Promise<PayoutsClient>;
  close(): Promise<void>;
}

/** Exit codes: 0 all good; 1 a payout did not succeed or a command failed; 2 the input was refused. */
export const exitCodes = { ok: 0, failed: 1, invalidInput: 2 } as const;

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
          identity: operatorIdentity(cfg),
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

/** Who the CLI acts for: its Temporal client identity, recorded in history as a batch's submitter or approver. */
export function operatorIdentity(cfg: Config): string {
  return cfg.PAYOUTS_OPERATOR ?? defaultSubmitter();
}

/** The Temporal UI page of a workflow, on the host of TEMPORAL_ADDRESS and TEMPORAL_UI_PORT. */
export function uiLink(cfg: Config, workflowId: string): string {
  const host = cfg.TEMPORAL_ADDRESS.replace(/:\d+$/, '') || 'localhost';
  return `http://${host}:${cfg.TEMPORAL_UI_PORT}/namespaces/${encodeURIComponent(cfg.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}
