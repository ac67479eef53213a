/**
 * Activities are created by a factory over injected dependencies (providers, config), so that the worker,
 * the tests and the benchmarks wire them the same way.
 */
import type { ProviderRegistry } from '../providers/registry.js';
import { createPayoutActivities } from './payout.js';

export interface ActivityDeps {
  providers: ProviderRegistry;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPayoutActivities(deps.providers),
  };
}

export type Activities = ReturnType<typeof createActivities>;
