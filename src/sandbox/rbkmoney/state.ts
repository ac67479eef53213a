/**
 * The RBKmoney sandbox's state machine, free of HTTP, timers and files: identities (each with its webhook
 * signing key), wallets with a balance, payres card tokens, destinations (Unauthorized -> Authorized, or
 * never, by test card), withdrawals (Pending -> Succeeded | Failed by test card, amount or balance) and
 * webhooks. Every operation answers as the provider would (status and body) and lists the webhook events it
 * caused; the module around it (./index.ts) serves the answers, arms the timers and delivers the events.
 *
 * Idempotency as the provider's server implements it (docs/PROVIDERS.md): a create with a known externalID
 * and the same parameters answers the existing object with the usual 2xx; with other parameters, 409 and the
 * existing id. Ids derive from the externalID, so after a restart the same setup finds the same ids.
 */
import { Accounts } from './accounts.js';
import { type RbkmoneyStateSettings, StateContext } from './answers.js';
import { Destinations } from './destinations.js';
import { Withdrawals } from './withdrawals.js';

export type { Answer, Outcome, RbkmoneyStateSettings } from './answers.js';

export class RbkmoneyState {
  readonly accounts: Accounts;
  readonly destinations: Destinations;
  readonly withdrawals: Withdrawals;

  constructor(settings: RbkmoneyStateSettings, now?: () => Date, randomId?: () => string) {
    const context = new StateContext(settings, now, randomId);
    this.accounts = new Accounts(context);
    this.destinations = new Destinations(context, this.accounts);
    this.withdrawals = new Withdrawals(context, this.accounts, this.destinations);
  }

  reset(): void {
    this.withdrawals.reset();
    this.destinations.reset();
    this.accounts.reset();
  }
}
