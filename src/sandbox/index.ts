/** The provider sandbox: see docs/SANDBOX.md. */
export { startSandbox, type RunningSandbox, type SandboxOptions } from './sandbox.js';
export { sandboxSettingsFromEnv, type SandboxSettings } from './config.js';
export type { LedgerEntry } from './ledger.js';
export type { FaultSettings, FaultPatch } from './faults.js';
