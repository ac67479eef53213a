/**
 * Activities are created by a factory over injected dependencies (providers, config), so that the worker,
 * the tests and the benchmarks wire them the same way.
 */
import type { Client } from '@temporalio/client';
import { cardFingerprintKeyFromEnv, type MerchantNotificationSettings, reportsDirFromEnv } from '../config.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { createCardBindingActivities } from './card-binding.js';
import { createBatchActivities } from './batch.js';
import { createBatchOutcomeActivities } from './batch-outcomes.js';
import { createBatchStartActivities } from './batch-starts.js';
import { createBatchRetryActivities } from './batch-retry.js';
import { createNotificationActivities } from './notifications.js';
import { createPayoutActivities } from './payout.js';
import { createReconciliationActivities } from './reconciliation.js';

export interface ActivityDeps {
  providers: ProviderRegistry;
  /** For activities that start or join other workflows (card binding); the worker's own task queue. */
  client?: Client;
  taskQueue: string;
  /** Where payout and batch outcomes are POSTed, signed; notifications are off without it. */
  merchantNotifications?: MerchantNotificationSettings;
  /** Where batch reports are written (reportsDirOf); `<DATA_DIR>/reports` from the environment when not given. */
  reportsDir?: string;
  /** CARD_FINGERPRINT_KEY (cardFingerprintKeyOf); read from the environment when not given. */
  cardFingerprintKey?: string;
  /** The worker's own limits, applied whoever started the workflow; none by default. */
  limits?: WorkerLimits;
}

/** Per currency, minor units (BATCH_APPROVAL_THRESHOLDS, PAYOUT_MAX_AMOUNTS). */
export interface WorkerLimits {
  /** A batch whose total in a currency is above this waits for a second person's approval. */
  approvalThresholds?: Readonly<Record<string, number>>;
  /** A single payout above this is rejected, never sent. */
  maxAmounts?: Readonly<Record<string, number>>;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPayoutActivities(deps.providers, {
      merchantNotifications: deps.merchantNotifications !== undefined,
      ...(deps.limits?.maxAmounts ? { maxAmounts: deps.limits.maxAmounts } : {}),
    }),
    ...createBatchActivities({
      client: deps.client,
      providers: deps.providers,
      reportsDir: deps.reportsDir ?? reportsDirFromEnv(),
      ...(deps.limits?.approvalThresholds ? { approvalThresholds: deps.limits.approvalThresholds } : {}),
    }),
    ...createBatchOutcomeActivities(),
    ...createBatchStartActivities(),
    ...createBatchRetryActivities({
      providers: deps.providers,
      cardFingerprintKey: deps.cardFingerprintKey ?? cardFingerprintKeyFromEnv(),
      ...(deps.client ? { client: deps.client } : {}),
    }),
    ...createCardBindingActivities(deps),
    ...createReconciliationActivities(deps.client ? { client: deps.client } : {}),
    ...createNotificationActivities(deps.merchantNotifications ? { settings: deps.merchantNotifications } : {}),
  };
}

export type Activities = ReturnType<typeof createActivities>;
