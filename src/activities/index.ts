/**
 * Activities are created by a factory over injected dependencies (providers, config), so that the worker,
 * the tests and the benchmarks wire them the same way.
 */
import type { Client } from '@temporalio/client';
import type { ProviderRegistry } from '../providers/registry.js';
import { createCardBindingActivities } from './card-binding.js';
import { createBatchActivities } from './batch.js';
import { createPayoutActivities } from './payout.js';

export interface ActivityDeps {
  providers: ProviderRegistry;
  /** For activities that start or join other workflows (card binding); the worker's own task queue. */
  client?: Client;
  taskQueue: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPayoutActivities(deps.providers),
    ...createBatchActivities({ client: deps.client }),
    ...createCardBindingActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
