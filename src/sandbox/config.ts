/**
 * The sandbox's own settings, from SANDBOX_* environment variables (the port is SANDBOX_PORT in
 * src/config.ts). The defaults suit `npm start`: callbacks go to the local relay. A bad value stops the
 * sandbox with one line per variable, never echoing the value.
 */
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { rbkmoneySandboxSettingsFromEnv, type RbkmoneySandboxSettings } from './rbkmoney/settings.js';
import { faultPatchSchema, type FaultPatch, type FaultSettings } from './faults.js';

const millis = (fallback: number) => z.coerce.number().int().min(0).max(3_600_000).default(fallback);
const optionalNumber = z.coerce.number().optional();

/** Fault knob -> environment variable. */
export const faultEnvNames = {
  seed: 'SANDBOX_SEED',
  latencyMs: 'SANDBOX_FAULT_LATENCY_MS',
  latencyJitterMs: 'SANDBOX_FAULT_LATENCY_JITTER_MS',
  serverErrorRate: 'SANDBOX_FAULT_SERVER_ERROR_RATE',
  timeoutAfterAcceptRate: 'SANDBOX_FAULT_TIMEOUT_AFTER_ACCEPT_RATE',
  timeoutHangMs: 'SANDBOX_FAULT_TIMEOUT_HANG_MS',
  callbackDropRate: 'SANDBOX_FAULT_CALLBACK_DROP_RATE',
  callbackDuplicateRate: 'SANDBOX_FAULT_CALLBACK_DUPLICATE_RATE',
  callbackDelayRate: 'SANDBOX_FAULT_CALLBACK_DELAY_RATE',
  callbackDelayMs: 'SANDBOX_FAULT_CALLBACK_DELAY_MS',
  callbackReorderRate: 'SANDBOX_FAULT_CALLBACK_REORDER_RATE',
  callbackReorderHoldMs: 'SANDBOX_FAULT_CALLBACK_REORDER_HOLD_MS',
} as const satisfies Record<keyof FaultSettings, string>;

export const sandboxEnvSchema = z.object({
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  /** JSON-lines file the ledger is kept in (e.g. ./.data/sandbox-ledger.jsonl); memory only when unset. */
  SANDBOX_STATE_FILE: z.string().min(1).optional(),

  SANDBOX_ECOMMPAY_PROJECT_ID: z.coerce.number().int().positive().default(1000),
  /** A sandbox-only key; the adapter and the relay must be given the same one (ECOMMPAY_SECRET_KEY). */
  SANDBOX_ECOMMPAY_SECRET_KEY: z.string().min(1).default('sandbox-ecommpay-secret'),
  /** Where callbacks go when a request names no general.merchant_callback_url. */
  SANDBOX_ECOMMPAY_CALLBACK_URL: z.url().default('http://localhost:3001/webhooks/ecommpay'),
  /** An unanswered clarification request expires (declined, 3191) after this long: ecommpay's 30 minutes. */
  SANDBOX_ECOMMPAY_CLARIFICATION_WINDOW_MS: millis(30 * 60_000),

  /** From acceptance to the final status (or to a clarification request). */
  SANDBOX_PROCESSING_MS: millis(2_000),
  /** The slow test card's processing time. */
  SANDBOX_SLOW_MS: millis(30_000),
  /** From a status change to the first callback attempt. */
  SANDBOX_CALLBACK_DELAY_MS: millis(1_000),
  SANDBOX_CALLBACK_RETRY_MS: millis(10_000),
  SANDBOX_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(7),
  SANDBOX_CALLBACK_TIMEOUT_MS: millis(10_000),

  ...(Object.fromEntries(Object.values(faultEnvNames).map((name) => [name, optionalNumber])) as Record<
    (typeof faultEnvNames)[keyof typeof faultEnvNames],
    typeof optionalNumber
  >),
});

export interface SandboxTiming {
  processingMs: number;
  slowMs: number;
  callbackDelayMs: number;
  callbackRetryMs: number;
  callbackMaxAttempts: number;
  callbackTimeoutMs: number;
}

export interface EcommpaySandboxSettings {
  projectId: number;
  secretKey: string;
  callbackUrl: string;
  /** How long a clarification request waits for its answer before the payout is declined (30 min when unset). */
  clarificationWindowMs?: number;
}

/** ecommpay waits 30 minutes for a clarification (reference/ecommpay.md §3, from a white-label copy of the docs). */
export const defaultClarificationWindowMs = 30 * 60_000;

export interface SandboxSettings {
  host: string;
  stateFile?: string;
  ecommpay: EcommpaySandboxSettings;
  rbkmoney: RbkmoneySandboxSettings;
  timing: SandboxTiming;
  /** Knobs set in the environment; the rest keep their defaults. */
  faults: FaultPatch;
}

/** Sandbox settings from an environment; throws ConfigError naming each bad variable. */
export function sandboxSettingsFromEnv(env: Record<string, string | undefined> = process.env): SandboxSettings {
  const parsed = sandboxEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const e = parsed.data;
  const faultValues = Object.entries(faultEnvNames)
    .map(([knob, name]) => [knob, e[name]] as const)
    .filter(([, value]) => value !== undefined);
  const faults = faultPatchSchema.safeParse(Object.fromEntries(faultValues));
  if (!faults.success) {
    throw new ConfigError(
      faults.error.issues.map((issue) => {
        const knob = String(issue.path[0]) as keyof FaultSettings;
        return `${faultEnvNames[knob] ?? knob}: ${issue.message}`;
      }),
    );
  }
  return {
    host: e.SANDBOX_HOST,
    ...(e.SANDBOX_STATE_FILE ? { stateFile: e.SANDBOX_STATE_FILE } : {}),
    ecommpay: {
      projectId: e.SANDBOX_ECOMMPAY_PROJECT_ID,
      secretKey: e.SANDBOX_ECOMMPAY_SECRET_KEY,
      callbackUrl: e.SANDBOX_ECOMMPAY_CALLBACK_URL,
      clarificationWindowMs: e.SANDBOX_ECOMMPAY_CLARIFICATION_WINDOW_MS,
    },
    rbkmoney: rbkmoneySandboxSettingsFromEnv(env),
    timing: {
      processingMs: e.SANDBOX_PROCESSING_MS,
      slowMs: e.SANDBOX_SLOW_MS,
      callbackDelayMs: e.SANDBOX_CALLBACK_DELAY_MS,
      callbackRetryMs: e.SANDBOX_CALLBACK_RETRY_MS,
      callbackMaxAttempts: e.SANDBOX_CALLBACK_MAX_ATTEMPTS,
      callbackTimeoutMs: e.SANDBOX_CALLBACK_TIMEOUT_MS,
    },
    faults: faults.data,
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.')}: ${issue.message}`;
}
