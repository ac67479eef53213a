/**
 * startSandbox: the provider sandbox in this process, for `npm run sandbox`, scripts/start.ts and tests.
 * It wires the shared pieces (ledger, fault knobs, callback dispatcher, timers) to every provider module in
 * `providerModules` and to the /sandbox/ control routes.
 */
import type { Logger } from 'pino';
import { createLogger } from '../logging.js';
import { CallbackDispatcher, type CallbackSender } from './callbacks.js';
import { sandboxSettingsFromEnv, type EcommpaySandboxSettings, type SandboxTiming } from './config.js';
import { controlRoutes } from './control.js';
import { ecommpaySandbox } from './ecommpay/index.js';
import { rbkmoneySandbox, type RbkmoneySandboxSettings } from './rbkmoney/index.js';
import { defaultFaults, type FaultPatch, Faults } from './faults.js';
import { Ledger } from './ledger.js';
import type { SandboxContext, SandboxProvider, SandboxProviderFactory } from './provider-module.js';
import { createSandboxServer } from './server.js';
import { Timers } from './timers.js';

export interface SandboxOptions {
  /** 0 (the default) lets the OS choose a free port. */
  port?: number;
  host?: string;
  /** JSON-lines ledger file; memory only without it. */
  stateFile?: string;
  ecommpay?: Partial<EcommpaySandboxSettings>;
  rbkmoney?: Partial<RbkmoneySandboxSettings>;
  timing?: Partial<SandboxTiming>;
  /** Starting fault knobs; POST /sandbox/reset comes back to these. */
  faults?: FaultPatch;
  logger?: Logger;
  /** Replaces HTTP delivery of callbacks (unit tests). */
  callbackSender?: CallbackSender;
}

export interface RunningSandbox {
  /** `http://host:port`, the base URL to give provider adapters. */
  url: string;
  port: number;
  ledger: Ledger;
  faults: Faults;
  close(): Promise<void>;
}

interface ResolvedOptions {
  ecommpay: EcommpaySandboxSettings;
  rbkmoney: RbkmoneySandboxSettings;
}

/** Every provider the sandbox speaks. A new provider adds its factory here (see ./server.ts). */
const providerModules = (options: ResolvedOptions): SandboxProviderFactory[] => [
  ecommpaySandbox(options.ecommpay),
  rbkmoneySandbox(options.rbkmoney),
];

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  // The defaults are those of an empty environment; explicit options win.
  const defaults = sandboxSettingsFromEnv({});
  const host = options.host ?? defaults.host;
  const timing: SandboxTiming = { ...defaults.timing, ...options.timing };
  const logger = options.logger ?? createLogger('sandbox');
  const ledger = new Ledger(options.stateFile);
  const faults = new Faults({ ...defaultFaults, ...options.faults });
  const timers = new Timers();
  const callbacks = new CallbackDispatcher(
    faults,
    timers,
    { retryMs: timing.callbackRetryMs, maxAttempts: timing.callbackMaxAttempts, timeoutMs: timing.callbackTimeoutMs },
    logger,
    options.callbackSender,
  );
  const context: SandboxContext = { ledger, faults, callbacks, timers, timing, logger };
  const providers: SandboxProvider[] = providerModules({
    ecommpay: { ...defaults.ecommpay, ...options.ecommpay },
    rbkmoney: { ...defaults.rbkmoney, ...options.rbkmoney },
  }).map((create) => create(context));

  const reset = () => {
    timers.cancelAll();
    callbacks.reset();
    ledger.reset();
    faults.reset();
    for (const provider of providers) provider.reset?.();
  };
  const routes = [
    ...controlRoutes({ ledger, faults, callbacks, providers: providers.map((p) => p.name), reset }),
    ...providers.flatMap((provider) => provider.routes),
  ];
  const server = createSandboxServer({ routes, faults, logger });
  const port = await server.listen(options.port ?? 0, host);
  for (const provider of providers) provider.resume?.();

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, providers: providers.map((p) => p.name), stateFile: options.stateFile }, 'sandbox listening');
  return {
    url,
    port,
    ledger,
    faults,
    close: async () => {
      timers.cancelAll();
      callbacks.close();
      await server.close();
    },
  };
}
