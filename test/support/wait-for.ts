/**
 * The shared wait of every test: polls `check` until it holds, and fails after `timeoutMs` saying what it
 * waited for. Deadlines are generous (a busy 2-core machine runs timers late); a met condition returns at once.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
  pollMs = 10,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Resolves once every timer due within `ms` from now has fired: Node runs timers in order of their deadline. */
export function pastDeadline(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
