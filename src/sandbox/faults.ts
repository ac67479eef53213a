/**
 * Fault knobs: what makes the sandbox misbehave like a provider on a bad day. Shared by every provider module;
 * set at start (SANDBOX_FAULT_* variables, src/sandbox/config.ts) or at run time (POST /sandbox/faults). One
 * seeded random sequence decides every fault, so the same seed and the same requests inject the same faults.
 * Each injected fault is counted per provider, so tests can observe every knob.
 */
import { z } from 'zod';
import type { ProviderName } from '../domain/payout-request.js';
import { SeededRandom } from './random.js';

const share = z.number().min(0).max(1);
const millis = (max: number) => z.number().int().min(0).max(max);

const knobs = {
  seed: z.number().int(),
  /** Added before every provider answer (control routes excepted). */
  latencyMs: millis(60_000),
  /** A further random 0..latencyJitterMs on top of latencyMs. */
  latencyJitterMs: millis(60_000),
  /** Share of provider requests answered 500/502/503 before anything is done: never carried out. */
  serverErrorRate: share,
  /** Share of create requests (payouts) carried out and then left unanswered: the client times out. */
  timeoutAfterAcceptRate: share,
  /** How long such a request is held before the connection is closed without an answer. */
  timeoutHangMs: millis(600_000),
  callbackDropRate: share,
  /** A duplicated callback is delivered twice, each copy with its own retries. */
  callbackDuplicateRate: share,
  /** Share of callbacks delivered callbackDelayMs later than planned. */
  callbackDelayRate: share,
  callbackDelayMs: millis(600_000),
  /** Share of callbacks held back until the next callback has gone out (or callbackReorderHoldMs passed). */
  callbackReorderRate: share,
  callbackReorderHoldMs: millis(600_000),
};

export const faultSettingsSchema = z.strictObject(knobs);
/** What POST /sandbox/faults takes: any subset of the knobs; unknown names are refused. */
export const faultPatchSchema = z.strictObject(knobs).partial();

export type FaultSettings = z.infer<typeof faultSettingsSchema>;
export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const defaultFaults: FaultSettings = {
  seed: 1,
  latencyMs: 0,
  latencyJitterMs: 0,
  serverErrorRate: 0,
  timeoutAfterAcceptRate: 0,
  // Longer than the ecommpay adapter's 30 s response timeout, so the client gives up first.
  timeoutHangMs: 35_000,
  callbackDropRate: 0,
  callbackDuplicateRate: 0,
  callbackDelayRate: 0,
  callbackDelayMs: 5_000,
  callbackReorderRate: 0,
  callbackReorderHoldMs: 5_000,
};

export const faultCounterNames = [
  'delayedAnswers',
  'serverErrors',
  'timeoutsAfterAccept',
  'callbacksDropped',
  'callbacksDuplicated',
  'callbacksDelayed',
  'callbacksReordered',
] as const;
export type FaultCounterName = (typeof faultCounterNames)[number];
export type FaultCounters = Record<FaultCounterName, number>;

const serverErrorStatuses = [500, 502, 503] as const;

export class Faults {
  #settings: FaultSettings;
  #random: SeededRandom;
  readonly #counters = new Map<ProviderName, FaultCounters>();

  constructor(private readonly initial: FaultSettings = defaultFaults) {
    this.#settings = faultSettingsSchema.parse(initial);
    this.#random = new SeededRandom(this.#settings.seed);
  }

  get settings(): FaultSettings {
    return { ...this.#settings };
  }

  /** Applies a validated patch and restarts the random sequence from the (possibly new) seed. */
  update(patch: FaultPatch): FaultSettings {
    this.#settings = faultSettingsSchema.parse({ ...this.#settings, ...patch });
    this.#random = new SeededRandom(this.#settings.seed);
    return this.settings;
  }

  /** Back to the settings the sandbox started with; counters zeroed. */
  reset(): void {
    this.#settings = { ...this.initial };
    this.#random = new SeededRandom(this.#settings.seed);
    this.#counters.clear();
  }

  /** Counters of injected faults, per provider. */
  injected(): Partial<Record<ProviderName, FaultCounters>> {
    return Object.fromEntries([...this.#counters].map(([provider, counters]) => [provider, { ...counters }]));
  }

  /** Milliseconds to wait before answering this request. */
  latency(provider: ProviderName): number {
    const { latencyMs, latencyJitterMs } = this.#settings;
    const ms = latencyMs + (latencyJitterMs > 0 ? this.#random.below(latencyJitterMs + 1) : 0);
    if (ms > 0) this.#count(provider, 'delayedAnswers');
    return ms;
  }

  /** The 5xx status to answer with instead of handling the request, or undefined. */
  serverError(provider: ProviderName): number | undefined {
    if (!this.#happens(provider, 'serverErrors', this.#settings.serverErrorRate)) return undefined;
    return serverErrorStatuses[this.#random.below(serverErrorStatuses.length)];
  }

  timeoutAfterAccept(provider: ProviderName): boolean {
    return this.#happens(provider, 'timeoutsAfterAccept', this.#settings.timeoutAfterAcceptRate);
  }

  dropCallback(provider: ProviderName): boolean {
    return this.#happens(provider, 'callbacksDropped', this.#settings.callbackDropRate);
  }

  duplicateCallback(provider: ProviderName): boolean {
    return this.#happens(provider, 'callbacksDuplicated', this.#settings.callbackDuplicateRate);
  }

  /** Extra milliseconds before this callback goes out (0 when not delayed). */
  callbackDelay(provider: ProviderName): number {
    const delayed = this.#happens(provider, 'callbacksDelayed', this.#settings.callbackDelayRate);
    return delayed ? this.#settings.callbackDelayMs : 0;
  }

  reorderCallback(provider: ProviderName): boolean {
    return this.#happens(provider, 'callbacksReordered', this.#settings.callbackReorderRate);
  }

  #happens(provider: ProviderName, counter: FaultCounterName, rate: number): boolean {
    const happened = this.#random.chance(rate);
    if (happened) this.#count(provider, counter);
    return happened;
  }

  #count(provider: ProviderName, counter: FaultCounterName): void {
    let counters = this.#counters.get(provider);
    if (!counters) {
      counters = Object.fromEntries(faultCounterNames.map((name) => [name, 0])) as FaultCounters;
      this.#counters.set(provider, counters);
    }
    counters[counter]++;
  }
}
