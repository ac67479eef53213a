/**
 * Activities are created by a factory over injected dependencies (providers, config), so that the worker,
 * the tests and the benchmarks wire them the same way. Provider activities join as the providers land.
 */
export type ActivityDeps = Record<string, never>;

export function createActivities(_deps: ActivityDeps = {}) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
