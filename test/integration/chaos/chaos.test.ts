// The chaos test, small: `npm run chaos` with 200 payouts, as its own processes (its own Temporal dev server on
// a temporary SQLite file, which it restarts; sandbox, relay, workers killed every ~10 s). It must end with no
// double payment, no loss and no mismatch (docs/CHAOS.md). The shared test server is not used.
import { runNodeScript } from '../../../src/devstack/commands.js';

const payouts = 200;
const budgetMinutes = 15;

interface Run {
  code: number | null;
  output: string;
}

async function runChaos(args: string[]): Promise<Run> {
  // jest isolates process.env: the run gets this process's explicitly.
  const run = await runNodeScript('bench/chaos.ts', args, { env: { ...process.env } });
  return { code: run.code, output: run.stdout + run.stderr };
}

test(
  `${payouts} payouts under worker kills, a server restart and sandbox faults: none paid twice, none lost`,
  async () => {
    const run = await runChaos([
      '--payouts',
      String(payouts),
      '--seed',
      '20261126',
      '--timeout',
      String(budgetMinutes),
    ]);
    const summary = run.output.split('\n').find((line) => line.startsWith('chaos: '));
    // The whole log on failure: which payouts, which faults, where the run directory was kept.
    if (run.code !== 0 || !summary) throw new Error(`chaos run failed (exit ${run.code}):\n${run.output}`);
    expect(summary).toMatch(
      new RegExp(
        `^chaos: ${payouts} payouts, \\d+ succeeded, \\d+ declined, \\d+ needs_review, 0 double-paid, 0 lost, ` +
          `[1-9]\\d* worker kills, 1 server restart, \\d+ s$`,
      ),
    );
    const [, succeeded, declined, review] = /(\d+) succeeded, (\d+) declined, (\d+) needs_review/.exec(summary) ?? [];
    expect(Number(succeeded) + Number(declined) + Number(review)).toBe(payouts);
    expect(Number(declined)).toBeGreaterThan(0);
  },
  (budgetMinutes + 3) * 60_000,
);
