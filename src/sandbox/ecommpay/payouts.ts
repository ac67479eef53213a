/**
 * The ecommpay sandbox's payouts: accepted once per payment_id into the shared ledger, then moved along by
 * timers as their test card or amount says (./test-cards.ts), with a signed callback at every status the
 * provider calls back about (the final one, and `awaiting clarification`).
 */
import { randomBytes } from 'node:crypto';
import { maskPan } from '../../domain/card.js';
import { defaultClarificationWindowMs, type EcommpaySandboxSettings } from '../config.js';
import type { SandboxContext } from '../provider-module.js';
import { jsonReply, type Reply } from '../server.js';
import {
  acceptedReply,
  callbackBody,
  type EcommpayDetails,
  errorReply,
  gatePayout,
  type GatePayout,
  notFoundStatusAnswer,
  statusAnswer,
} from './answers.js';
import { gateMessages } from './codes.js';
import { readPath } from './requests.js';
import { clarificationRequests, outcomeFor } from './test-cards.js';

const provider = 'ecommpay';

export interface PayoutSubmission {
  paymentId: string;
  amount: number;
  currency: string;
  card: { pan: string } | { token: string };
  customerId: string;
  description?: string;
  callbackUrl?: string;
  callbackDelaySeconds?: number;
}

const newRequestId = () => randomBytes(10).toString('hex');

export class EcommpayPayouts {
  #nextOperationId = 1;

  constructor(
    private readonly context: SandboxContext,
    private readonly settings: EcommpaySandboxSettings,
  ) {
    for (const entry of context.ledger.list(provider)) {
      this.#nextOperationId = Math.max(this.#nextOperationId, gatePayout(entry).details.operationId + 1);
    }
  }

  submit(submission: PayoutSubmission): Reply {
    const { ledger, logger, timing } = this.context;
    const { projectId } = this.settings;
    const { paymentId } = submission;
    const ids = { projectId, paymentId };
    const pan = 'pan' in submission.card ? submission.card.pan : undefined;
    const outcome = outcomeFor(pan, submission.amount);
    // A refused request is not recorded; a known payment_id is a duplicate whatever else it carries.
    if (outcome.kind === 'refuse' && !ledger.get(provider, paymentId)) {
      return errorReply([{ field: '', code: outcome.code }], ids);
    }
    const card =
      'pan' in submission.card ? maskPan(submission.card.pan) : `token ${submission.card.token.slice(0, 4)}…`;
    const details: EcommpayDetails = {
      operationId: this.#nextOperationId,
      outcome,
      customerId: submission.customerId,
      description: submission.description,
      byToken: pan === undefined,
      callbackUrl: submission.callbackUrl ?? this.settings.callbackUrl,
      callbackDelayMs:
        submission.callbackDelaySeconds === undefined ? timing.callbackDelayMs : submission.callbackDelaySeconds * 1000,
      clarified: false,
    };
    const { amount, currency } = submission;
    const requestId = newRequestId();
    const { duplicate } = ledger.accept({
      provider,
      key: paymentId,
      reference: requestId,
      amount,
      currency,
      card,
      details,
    });
    if (duplicate) {
      logger.info({ provider, paymentId }, 'repeated payment_id answered as a duplicate');
      return errorReply([{ field: 'general.payment_id', code: '3041' }], ids);
    }
    this.#nextOperationId++;
    logger.info({ provider, paymentId, card, amount, currency, outcome: outcome.kind }, 'payout accepted');
    this.#scheduleNext(paymentId);
    return acceptedReply(requestId, projectId, paymentId);
  }

  status(paymentId: string): Reply {
    const entry = this.context.ledger.get(provider, paymentId);
    if (!entry) return notFoundStatusAnswer();
    return jsonReply(200, statusAnswer(gatePayout(entry), this.settings.projectId, this.settings.secretKey));
  }

  /** Takes the requested values; 2004 naming each one missing, 3060 when no clarification is awaited. */
  clarify(paymentId: string, additionalData: Record<string, unknown>): Reply {
    const { ledger } = this.context;
    const ids = { projectId: this.settings.projectId, paymentId };
    const entry = ledger.get(provider, paymentId);
    if (!entry) return errorReply([{ field: 'general.payment_id', code: '3061' }], ids);
    const { details } = gatePayout(entry);
    if (entry.status !== 'awaiting_clarification' || details.outcome.kind !== 'clarification') {
      return errorReply([{ field: '', code: '3060' }], ids);
    }
    const missing = clarificationRequests[details.outcome.ask].fields.filter((field) => {
      const value = readPath(additionalData, field);
      return !(typeof value === 'string' ? value.trim() !== '' : typeof value === 'number');
    });
    if (missing.length > 0) {
      return errorReply(
        missing.map((field) => ({ field: `additional_data.${field}`, code: '2004' })),
        ids,
      );
    }
    ledger.update(provider, paymentId, { status: 'pending', details: { clarified: true } });
    this.context.logger.info({ provider, paymentId }, 'clarification answered');
    this.#scheduleNext(paymentId);
    return acceptedReply(newRequestId(), this.settings.projectId, paymentId);
  }

  /** Re-arms the next step of every unfinished payout read back from a state file. */
  resume(): void {
    for (const entry of this.context.ledger.list(provider)) {
      const { dueAt } = gatePayout(entry).details;
      if (entry.status === 'pending' && dueAt) this.#arm(entry.key, Date.parse(dueAt) - Date.now());
      if (entry.status === 'awaiting_clarification' && dueAt) {
        this.#armExpiry(entry.key, Date.parse(dueAt) - Date.now());
      }
    }
  }

  /** An unanswered clarification request expires: the payout is declined (3191) and called back. */
  #armExpiry(paymentId: string, delayMs: number): void {
    this.context.timers.after(delayMs, () => {
      const entry = this.context.ledger.get(provider, paymentId);
      if (entry?.status !== 'awaiting_clarification') return;
      this.context.ledger.update(provider, paymentId, { details: { dueAt: undefined } });
      this.context.ledger.settle(provider, paymentId, {
        status: 'declined',
        code: '3191',
        message: `${gateMessages['3191']}: the clarification window closed unanswered`,
      });
      this.context.logger.info({ provider, paymentId }, 'clarification expired');
      this.#callBack(gatePayout(this.#entry(paymentId)));
    });
  }

  reset(): void {
    this.#nextOperationId = 1;
  }

  #scheduleNext(paymentId: string): void {
    const { ledger, timing } = this.context;
    const { details } = gatePayout(this.#entry(paymentId));
    const { outcome } = details;
    if (outcome.kind === 'pending' || outcome.kind === 'refuse') return;
    const delayMs = outcome.kind === 'success' && outcome.speed === 'slow' ? timing.slowMs : timing.processingMs;
    ledger.update(provider, paymentId, { details: { dueAt: new Date(Date.now() + delayMs).toISOString() } });
    this.#arm(paymentId, delayMs);
  }

  #arm(paymentId: string, delayMs: number): void {
    this.context.timers.after(delayMs, () => this.#step(paymentId));
  }

  /** The payout's next status: final, or `awaiting clarification`; then its callback. */
  #step(paymentId: string): void {
    const { ledger, logger } = this.context;
    const payout = gatePayout(this.#entry(paymentId));
    const { outcome, clarified } = payout.details;
    if (payout.entry.status !== 'pending') return;
    const after = { details: { dueAt: undefined } };
    if (outcome.kind === 'clarification' && !clarified) {
      const windowMs = this.settings.clarificationWindowMs ?? defaultClarificationWindowMs;
      const dueAt = new Date(Date.now() + windowMs).toISOString();
      ledger.update(provider, paymentId, { details: { dueAt }, status: 'awaiting_clarification' });
      this.#armExpiry(paymentId, windowMs);
    } else if (outcome.kind === 'decline') {
      ledger.update(provider, paymentId, after);
      ledger.settle(provider, paymentId, {
        status: 'declined',
        code: outcome.code,
        message: gateMessages[outcome.code],
      });
    } else {
      ledger.update(provider, paymentId, after);
      ledger.settle(provider, paymentId, { status: 'succeeded' });
    }
    const next = gatePayout(this.#entry(paymentId));
    logger.info({ provider, paymentId, status: next.entry.status, code: next.entry.code }, 'payout status changed');
    this.#callBack(next);
  }

  #callBack(payout: GatePayout): void {
    const { projectId, secretKey } = this.settings;
    this.context.callbacks.dispatch({
      provider,
      url: payout.details.callbackUrl,
      body: JSON.stringify(callbackBody(payout, projectId, secretKey)),
      delayMs: payout.details.callbackDelayMs,
      label: `${payout.entry.key} ${payout.entry.status}`,
    });
  }

  #entry(paymentId: string) {
    const entry = this.context.ledger.get(provider, paymentId);
    if (!entry) throw new Error(`ecommpay sandbox: no payout ${paymentId}`);
    return entry;
  }
}
