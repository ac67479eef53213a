/**
 * Structured logs (pino, JSON lines). Card data and secrets never reach a log: known secret fields are
 * redacted by key, and every string is scrubbed of card-number-like digit runs before it is written.
 */
import { DefaultLogger, type LogEntry, type LogLevel, Runtime, type RuntimeOptions } from '@temporalio/worker';
import { pino, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { scrubCardNumbers } from './domain/card.js';

const secretKeys = ['pan', 'cardNumber', 'cvv', 'cvc', 'secret', 'secretKey', 'apiKey', 'authorization', 'password'];
const redactPaths = secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubCardNumbers(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: scrubCardNumbers(value.message), stack: scrubCardNumbers(value.stack ?? '') };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

export interface LoggerOptions {
  level?: string;
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const settings: PinoOptions = {
    name,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => scrub(arg)) as Parameters<typeof method>);
      },
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

const temporalToPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's own logs (worker, workflow and activity loggers) into pino. Call once per process,
 * before any connection; `telemetryOptions` (the worker's metrics, src/metrics) go into the same runtime.
 */
export function installTemporalLogging(
  logger: Logger,
  level: LogLevel = 'INFO',
  telemetryOptions?: RuntimeOptions['telemetryOptions'],
): void {
  Runtime.install({
    ...(telemetryOptions ? { telemetryOptions } : {}),
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      logger[temporalToPino[entry.level]]({ ...entry.meta, sdk: true }, entry.message);
    }),
  });
}
