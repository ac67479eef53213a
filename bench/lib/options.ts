/**
 * The flags every benchmark takes: `--n N`, `--server dev|postgres`, `--address host:port` (the PostgreSQL
 * stack's frontend, 127.0.0.1:7233 by default), `--concurrency C`, `--timeout-min M`. Each benchmark adds
 * its own defaults.
 */
import { parseArgs } from 'node:util';

export type ServerKind = 'dev' | 'postgres';

export interface BenchOptions {
  /** Undefined when not given: each benchmark has its own default. */
  n?: number;
  server: ServerKind;
  address: string;
  concurrency?: number;
  timeoutMin?: number;
}

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, not "${text}"`);
  return value;
}

export function parseBenchOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      n: { type: 'string' },
      server: { type: 'string', default: 'dev' },
      address: { type: 'string', default: '127.0.0.1:7233' },
      concurrency: { type: 'string' },
      'timeout-min': { type: 'string' },
    },
    strict: true,
  });
  if (values.server !== 'dev' && values.server !== 'postgres') {
    throw new Error(`--server must be dev or postgres, not "${values.server}"`);
  }
  const n = positiveInteger('n', values.n);
  const concurrency = positiveInteger('concurrency', values.concurrency);
  const timeoutMin = positiveInteger('timeout-min', values['timeout-min']);
  return {
    server: values.server,
    address: values.address,
    ...(n !== undefined ? { n } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(timeoutMin !== undefined ? { timeoutMin } : {}),
  };
}
