/**
 * Delivers provider callbacks (webhooks) like a provider does: after a delay, retried until the receiver
 * answers 200, and subject to the callback fault knobs (dropped, duplicated, delayed, held back so that a
 * later callback overtakes it). Bodies arrive here already built and signed by the provider module; this
 * file knows nothing of any provider's format.
 */
import type { Logger } from 'pino';
import type { ProviderName } from '../domain/payout-request.js';
import type { Faults } from './faults.js';
import type { Timers } from './timers.js';

export interface OutgoingCallback {
  provider: ProviderName;
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Wait before the first attempt. */
  delayMs: number;
  /** For logs only (e.g. the payment id and status); never card data. */
  label: string;
}

export interface DeliveryPolicy {
  /** Between attempts. */
  retryMs: number;
  /** First attempt included. */
  maxAttempts: number;
  /** Per attempt. */
  timeoutMs: number;
}

export interface CallbackStats {
  /** Callbacks that went on their way (dropped ones excluded; a duplicate counts twice). */
  sent: number;
  attempts: number;
  delivered: number;
  failedAttempts: number;
  /** Callbacks given up after maxAttempts failures. */
  abandoned: number;
}

/** POSTs a body; resolves with the HTTP status, rejects when no answer came. */
export type CallbackSender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<number>;

export const fetchSender: CallbackSender = async (url, body, headers, signal) => {
  const response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
  await response.body?.cancel();
  return response.status;
};

interface HeldCallback {
  callback: OutgoingCallback;
  epoch: number;
}

const emptyStats = (): CallbackStats => ({ sent: 0, attempts: 0, delivered: 0, failedAttempts: 0, abandoned: 0 });

export class CallbackDispatcher {
  readonly #stats = new Map<ProviderName, CallbackStats>();
  #held: HeldCallback | undefined;
  #aborter = new AbortController();

  constructor(
    private readonly faults: Faults,
    private readonly timers: Timers,
    private readonly policy: DeliveryPolicy,
    private readonly logger?: Logger,
    private readonly send: CallbackSender = fetchSender,
  ) {}

  dispatch(callback: OutgoingCallback): void {
    const { provider } = callback;
    if (this.faults.dropCallback(provider)) {
      this.logger?.info({ provider, callback: callback.label }, 'callback dropped (fault)');
      return;
    }
    const copies = this.faults.duplicateCallback(provider) ? 2 : 1;
    const delayMs = callback.delayMs + this.faults.callbackDelay(provider);
    for (let copy = 0; copy < copies; copy++) {
      this.#statsOf(provider).sent++;
      this.timers.after(delayMs, () => this.#release(callback));
    }
  }

  stats(): Partial<Record<ProviderName, CallbackStats>> {
    return Object.fromEntries([...this.#stats].map(([provider, stats]) => [provider, { ...stats }]));
  }

  /** Forgets held callbacks and statistics (the timers themselves are cancelled by their owner). */
  reset(): void {
    this.#held = undefined;
    this.#stats.clear();
  }

  /** Aborts deliveries in flight (shutdown). */
  close(): void {
    this.reset();
    this.#aborter.abort();
    this.#aborter = new AbortController();
  }

  /** Time for a callback's first attempt: held back (out-of-order fault), or sent, then the held one follows. */
  #release(callback: OutgoingCallback): void {
    if (!this.#held && this.faults.reorderCallback(callback.provider)) {
      const held = { callback, epoch: this.timers.epoch };
      this.#held = held;
      this.timers.after(this.faults.settings.callbackReorderHoldMs, () => this.#releaseHeld(held));
      return;
    }
    const overtaken = this.#held;
    void this.#deliver(callback, 1).then(() => this.#releaseHeld(overtaken));
  }

  #releaseHeld(held: HeldCallback | undefined): void {
    if (!held || held !== this.#held || held.epoch !== this.timers.epoch) return;
    this.#held = undefined;
    void this.#deliver(held.callback, 1);
  }

  async #deliver(callback: OutgoingCallback, attempt: number): Promise<void> {
    const epoch = this.timers.epoch;
    const stats = this.#statsOf(callback.provider);
    stats.attempts++;
    let status: number | 'no answer';
    try {
      const signal = AbortSignal.any([this.#aborter.signal, AbortSignal.timeout(this.policy.timeoutMs)]);
      const headers = { 'content-type': 'application/json', ...callback.headers };
      status = await this.send(callback.url, callback.body, headers, signal);
    } catch {
      status = 'no answer';
    }
    if (epoch !== this.timers.epoch) return;
    // Providers count only 200 as delivered (ecommpay's rule; RBKmoney's too).
    if (status === 200) {
      stats.delivered++;
      this.logger?.debug({ provider: callback.provider, callback: callback.label, attempt }, 'callback delivered');
      return;
    }
    stats.failedAttempts++;
    const last = attempt >= this.policy.maxAttempts;
    if (last) stats.abandoned++;
    this.logger?.warn(
      { provider: callback.provider, callback: callback.label, attempt, status, last },
      'callback not delivered',
    );
    if (!last) this.timers.after(this.policy.retryMs, () => void this.#deliver(callback, attempt + 1));
  }

  #statsOf(provider: ProviderName): CallbackStats {
    let stats = this.#stats.get(provider);
    if (!stats) {
      stats = emptyStats();
      this.#stats.set(provider, stats);
    }
    return stats;
  }
}
