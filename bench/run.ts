/**
 * `npm run bench -- <name> [--n N] [--concurrency C] [--server dev|postgres] [--address host:port]
 * [--timeout-min M]`: runs one benchmark; it prints its figures as one line of key=value pairs at the end
 * (progress goes to stderr). See docs/PERFORMANCE.md.
 */
import type { BenchOptions } from './lib/options.js';
import { parseBenchOptions } from './lib/options.js';

const benchmarks: Record<string, () => Promise<{ run(options: BenchOptions): Promise<void> }>> = {
  'batch-vs-bare': () => import('./batch-vs-bare.js'),
  'naive-fanout': () => import('./naive-fanout.js'),
  relay: () => import('./relay.js'),
  latency: () => import('./latency.js'),
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const load = name ? benchmarks[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [--n N] [--server dev|postgres]`);
    process.exit(2);
  }
  const options = parseBenchOptions(rest);
  await (await load()).run(options);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
