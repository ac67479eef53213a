/** What a provider module gets from the sandbox and what it gives back (registration: see ./server.ts). */
import type { Logger } from 'pino';
import type { ProviderName } from '../domain/payout-request.js';
import type { CallbackDispatcher } from './callbacks.js';
import type { SandboxTiming } from './config.js';
import type { Faults } from './faults.js';
import type { Ledger } from './ledger.js';
import type { Route } from './server.js';
import type { Timers } from './timers.js';

export interface SandboxContext {
  ledger: Ledger;
  faults: Faults;
  callbacks: CallbackDispatcher;
  /** For payout processing steps; all cancelled by POST /sandbox/reset and at shutdown. */
  timers: Timers;
  timing: SandboxTiming;
  logger: Logger;
}

export interface SandboxProvider {
  readonly name: ProviderName;
  readonly routes: Route[];
  /** Called by POST /sandbox/reset after the ledger was emptied and the timers cancelled. */
  reset?(): void;
  /** Called once at start: pick up unfinished payouts from a state file (re-arm their timers). */
  resume?(): void;
}

export type SandboxProviderFactory = (context: SandboxContext) => SandboxProvider;
