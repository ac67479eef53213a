/**
 * Withdrawals in the RBKmoney sandbox: checked as the provider's server checks them (wallet, destination,
 * currency, amount, authorization), created Pending with the amount held on the wallet, then settled once by
 * their outcome (test card, amount, or a balance too small: `account_limit_exceeded:amount`).
 */
import type { Accounts } from './accounts.js';
import {
  type Answer,
  conflictMessage,
  empty,
  json,
  location,
  type Outcome,
  paramsOf,
  refused,
  type StateContext,
} from './answers.js';
import type { Destinations } from './destinations.js';
import type { Emitted } from './events.js';
import type { WithdrawalRequest } from './requests.js';
import { insufficientFundsFailure, type WithdrawalOutcome, withdrawalOutcome } from './test-cards.js';
import { type WithdrawalRecord, withdrawalRecordSchema } from './withdrawal-record.js';
import { failureFromChain, type Withdrawal } from './wire.js';

export class Withdrawals {
  readonly #withdrawals = new Map<string, WithdrawalRecord>();

  constructor(
    private readonly context: StateContext,
    private readonly accounts: Accounts,
    private readonly destinations: Destinations,
  ) {}

  reset(): void {
    this.#withdrawals.clear();
  }

  create(request: WithdrawalRequest): Outcome<WithdrawalRecord> {
    const wallet = this.accounts.wallet(request.wallet);
    if (!wallet) return refused('No such wallet');
    const destination = this.destinations.record(request.destination);
    if (!destination) return refused('No such destination');
    const { amount, currency } = request.body;
    if (currency !== wallet.wallet.currency || currency !== destination.destination.currency) {
      return refused('Invalid currency');
    }
    if (amount <= 0 || amount > this.context.settings.maxAmount) return refused('Invalid cash amount');

    const id = this.context.idFor('withdrawal', request.externalID);
    const params = paramsOf(request);
    const existing = this.#withdrawals.get(id);
    if (existing) {
      const conflict = { externalID: request.externalID, id, message: conflictMessage };
      return this.context.repeat(existing.params === params, existing.withdrawal, conflict, 202, 'withdrawals');
    }
    if (destination.destination.status !== 'Authorized') return refused('Destination unauthorized');

    const held = amount <= wallet.own - wallet.held;
    const outcome: WithdrawalOutcome = held
      ? withdrawalOutcome(destination.card.behaviour, amount)
      : { kind: 'fail', failure: insufficientFundsFailure };
    if (held) wallet.held += amount;
    const createdAt = this.context.timestamp();
    const withdrawal: Withdrawal = {
      id,
      wallet: request.wallet,
      destination: request.destination,
      body: { amount, currency },
      createdAt,
      metadata: request.metadata,
      externalID: request.externalID,
      status: 'Pending',
    };
    const record: WithdrawalRecord = {
      withdrawal,
      params,
      identityId: wallet.wallet.identity,
      card: destination.card.masked,
      outcome,
      held,
      events: [{ eventID: 1, occuredAt: createdAt, status: 'Pending' }],
    };
    this.#withdrawals.set(id, record);
    const started: Emitted = {
      identityId: record.identityId,
      walletId: withdrawal.wallet,
      event: {
        eventID: '1',
        occuredAt: createdAt,
        topic: 'WithdrawalTopic',
        eventType: 'WithdrawalStarted',
        withdrawal: {
          id,
          wallet: withdrawal.wallet,
          destination: withdrawal.destination,
          body: withdrawal.body,
          externalID: withdrawal.externalID,
        },
      },
    };
    return { answer: json(202, withdrawal, location('withdrawals', id)), events: [started], created: record };
  }

  /** Moves a Pending withdrawal to its outcome, once; a `pending` outcome stays. */
  settle(id: string): { record?: WithdrawalRecord; events: Emitted[] } {
    const record = this.#withdrawals.get(id);
    if (!record || record.withdrawal.status !== 'Pending' || record.outcome.kind === 'pending') {
      return { record, events: [] };
    }
    const wallet = this.accounts.wallet(record.withdrawal.wallet);
    const { amount } = record.withdrawal.body;
    if (wallet && record.held) {
      wallet.held -= amount;
      if (record.outcome.kind === 'success') wallet.own -= amount;
    }
    record.held = false;
    const status = record.outcome.kind === 'success' ? 'Succeeded' : 'Failed';
    record.withdrawal.status = status;
    if (record.outcome.kind === 'fail') record.withdrawal.failure = failureFromChain(record.outcome.failure);
    const eventID = record.events.length + 1;
    const occuredAt = this.context.timestamp();
    record.events.push({ eventID, occuredAt, status, failure: record.withdrawal.failure });
    const event: Emitted = {
      identityId: record.identityId,
      walletId: record.withdrawal.wallet,
      event: {
        eventID: String(eventID),
        occuredAt,
        topic: 'WithdrawalTopic',
        eventType: status === 'Succeeded' ? 'WithdrawalSucceeded' : 'WithdrawalFailed',
        withdrawalID: id,
        externalID: record.withdrawal.externalID,
      },
    };
    return { record, events: [event] };
  }

  /** A withdrawal read back from the ledger (a sandbox restarted with a state file). */
  restore(details: unknown): WithdrawalRecord | undefined {
    const parsed = withdrawalRecordSchema.safeParse(details);
    if (!parsed.success) return undefined;
    // Wallets live in memory only: the hold went with the old wallet, and a new one must not pay for it.
    const record = { ...parsed.data, held: false };
    this.#withdrawals.set(record.withdrawal.id, record);
    return record;
  }

  get(id: string): Answer {
    const record = this.#withdrawals.get(id);
    return record ? json(200, record.withdrawal) : empty(404);
  }

  getByExternalID(externalID: string): Answer {
    return this.get(this.context.idFor('withdrawal', externalID));
  }

  /** pollWithdrawalEvents: the status changes after `cursor`, at most `limit`. */
  events(id: string, limit: number, cursor: number | undefined): Answer {
    const record = this.#withdrawals.get(id);
    if (!record) return empty(404);
    const events = record.events
      .filter((event) => cursor === undefined || event.eventID > cursor)
      .slice(0, limit)
      .map(({ eventID, occuredAt, status, failure }) => ({
        eventID,
        occuredAt,
        changes: [{ type: 'WithdrawalStatusChanged', status, failure }],
      }));
    return json(200, events);
  }
}
