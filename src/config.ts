/**
 * The process configuration: the environment, parsed once with zod. A bad value stops the process at start
 * with one line per offending variable. Secrets are only ever read from here (or from files named here).
 */
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const configSchema = z.object({
  PAYOUTS_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Where the local stack keeps its files (Temporal's SQLite database, development keys, reports). */
  DATA_DIR: z.string().min(1).default('./.data'),

  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_GRPC_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  PAYOUTS_TASK_QUEUE: z.string().min(1).default('payouts'),

  RELAY_PORT: port(3001),
  CODEC_SERVER_PORT: port(3002),
  SANDBOX_PORT: port(3003),
  WORKER_HEALTH_PORT: port(3004),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    // Never echo the received value: it may be a secret.
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

let cached: Config | undefined;

/** The configuration of this process, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
