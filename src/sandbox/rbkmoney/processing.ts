/**
 * What happens around the RBKmoney sandbox state over time: withdrawals go into the shared ledger (one entry
 * per externalID, settled once, so nothing is paid twice) and are settled by timers; destinations are
 * authorized by a timer; every state change goes out as signed webhooks to the identity's matching webhooks.
 */
import type { SandboxContext } from '../provider-module.js';
import type { Answer, Outcome } from './answers.js';
import { type Emitted, signedDelivery } from './events.js';
import type { WithdrawalRequest } from './requests.js';
import type { RbkmoneySandboxSettings } from './settings.js';
import { RbkmoneyState } from './state.js';
import type { WithdrawalRecord } from './withdrawal-record.js';
import { chainOfFailure } from './wire.js';

const provider = 'rbkmoney';

/** The ledger key: the externalID, which is what must be paid at most once. */
const ledgerKey = (record: WithdrawalRecord) => record.withdrawal.externalID ?? `withdrawal:${record.withdrawal.id}`;

export class RbkmoneyProcessing {
  readonly state: RbkmoneyState;

  constructor(
    private readonly context: SandboxContext,
    private readonly settings: RbkmoneySandboxSettings,
  ) {
    this.state = new RbkmoneyState(settings);
  }

  /** Signs each event with its identity's key and hands it to the dispatcher, once per matching webhook. */
  deliver(emitted: Emitted[]): void {
    for (const item of emitted) {
      const key = this.state.accounts.signingKey(item.identityId);
      if (!key) continue;
      const { event } = item;
      const subject =
        'withdrawalID' in event ? event.withdrawalID : 'destinationID' in event ? event.destinationID : '';
      for (const webhook of this.state.accounts.webhooksFor(item)) {
        this.context.callbacks.dispatch({
          provider,
          url: webhook.url,
          ...signedDelivery(event, key),
          delayMs: this.context.timing.callbackDelayMs,
          label: `${event.eventType} ${subject}`.trim(),
        });
      }
    }
  }

  /** A created destination is authorized (or, by test card, refused) after the configured delay. */
  destinationCreated(outcome: Outcome<{ id: string }>): Answer {
    this.deliver(outcome.events);
    const id = outcome.created?.id;
    if (id) this.context.timers.after(this.settings.destinationAuthorizationMs, () => this.authorize(id));
    return outcome.answer;
  }

  private authorize(id: string): void {
    this.deliver(this.state.destinations.authorize(id));
  }

  createWithdrawal(request: WithdrawalRequest): Answer {
    const { ledger, logger } = this.context;
    const outcome = this.state.withdrawals.create(request);
    if (outcome.repeat && request.externalID !== undefined) {
      // Counted as a repeat of the payout the ledger already has (answered 202 with it).
      const entry = ledger.get(provider, request.externalID);
      if (entry) {
        const { key, reference, amount, currency, card } = entry;
        ledger.accept({ provider, key, reference, amount, currency, card });
      }
      logger.info({ provider, externalID: request.externalID }, 'repeated externalID');
    }
    const record = outcome.created;
    if (record) {
      const { amount, currency } = record.withdrawal.body;
      ledger.accept({
        provider,
        key: ledgerKey(record),
        reference: record.withdrawal.id,
        amount,
        currency,
        card: record.card,
        details: structuredClone(record),
      });
      logger.info(
        { provider, withdrawal: record.withdrawal.id, card: record.card, outcome: record.outcome.kind },
        'withdrawal accepted',
      );
      this.#schedule(record);
    }
    this.deliver(outcome.events);
    return outcome.answer;
  }

  #schedule(record: WithdrawalRecord): void {
    const { outcome } = record;
    if (outcome.kind === 'pending') return;
    const { timing, ledger } = this.context;
    const delayMs = outcome.kind === 'success' && outcome.speed === 'slow' ? timing.slowMs : timing.processingMs;
    record.dueAt = new Date(Date.now() + delayMs).toISOString();
    ledger.update(provider, ledgerKey(record), { details: { dueAt: record.dueAt } });
    this.#arm(record.withdrawal.id, ledgerKey(record), delayMs);
  }

  #arm(id: string, key: string, delayMs: number): void {
    this.context.timers.after(delayMs, () => this.#settle(id, key));
  }

  #settle(id: string, key: string): void {
    const { ledger, logger } = this.context;
    const { record, events } = this.state.withdrawals.settle(id);
    if (!record || events.length === 0) return;
    delete record.dueAt;
    ledger.update(provider, key, { details: { ...structuredClone(record), dueAt: undefined } });
    const { status, failure } = record.withdrawal;
    const code = chainOfFailure(failure);
    const { changed } = ledger.settle(
      provider,
      key,
      status === 'Succeeded'
        ? { status: 'succeeded' }
        : { status: 'declined', code, message: `withdrawal failed: ${code}` },
    );
    logger.info({ provider, withdrawal: id, status, changed }, 'withdrawal settled');
    this.deliver(events);
  }

  /** Withdrawals read back from a state file: answerable again, and the unfinished ones re-armed. */
  resume(): void {
    for (const entry of this.context.ledger.list(provider)) {
      const record = this.state.withdrawals.restore(entry.details);
      if (record?.withdrawal.status === 'Pending' && record.dueAt) {
        this.#arm(record.withdrawal.id, entry.key, Date.parse(record.dueAt) - Date.now());
      }
    }
  }

  reset(): void {
    this.state.reset();
  }
}
