/**
 * The one contract every payment provider implements. Activities and workflows depend on this and on
 * nothing provider-specific. Providers never import Temporal: they throw the errors in ./errors.ts, and
 * src/activities turns those into Temporal failures in one place.
 */
import type { PayoutRequest, ProviderName } from '../domain/payout-request.js';
import type {
  BindingEvent,
  ProviderEvent,
  ProviderStatus,
  SubmitResult,
  ValidationProblem,
} from '../domain/provider-messages.js';

export type {
  BindingEvent,
  DeclineClass,
  ProviderEvent,
  ProviderStatus,
  ReportedPayout,
  SubmitResult,
  ValidationProblem,
} from '../domain/provider-messages.js';

/** What the provider needs to send one attempt of one payout. */
export interface SubmitInput {
  request: PayoutRequest;
  /** Provider-side idempotency key (ecommpay payment_id, RBKmoney externalID), derived from payoutId and attempt. */
  idempotencyKey: string;
  /** Provider objects prepared by earlier steps (RBKmoney: the bound destination's id). */
  prepared?: { destinationId?: string };
}

export interface StatusLookup {
  payoutId: string;
  idempotencyKey: string;
  reference?: string;
}

export type CallbackResult =
  | { ok: true; event: ProviderEvent }
  /**
   * Events that concern something other than a payout (e.g. a card binding) but are authentic; `binding` is
   * set when the event is a binding's state change that carries our idempotency key.
   */
  | {
      ok: true;
      event: null;
      other: { kind: string; subject: string; detail: Record<string, unknown> };
      binding?: BindingEvent;
    }
  | { ok: false; rejection: 'bad_signature' | 'malformed'; reason: string };

export interface PayoutProvider {
  readonly name: ProviderName;
  validate(request: PayoutRequest): ValidationProblem[];
  submit(input: SubmitInput): Promise<SubmitResult>;
  getStatus(lookup: StatusLookup): Promise<ProviderStatus>;
  parseCallback(rawBody: Buffer | string, headers: Record<string, string | string[] | undefined>): CallbackResult;
  /**
   * Providers that may ask for more data while a payout waits (ecommpay's clarification) answer from the
   * payout's own data; they throw PayoutDeclinedError naming the fields the payout does not carry.
   */
  answerClarification?(request: PayoutRequest, idempotencyKey: string, fields: string[]): Promise<unknown>;
  /**
   * Providers that pay from an account of ours (RBKmoney's wallet) tell what it holds available for payouts
   * (minor units, in the account's currency, which may differ from the one asked about). A batch compares it
   * with what it still has to pay before it starts and on resume.
   */
  availableBalance?(currency: string): Promise<AccountBalance>;
}

export interface AccountBalance {
  amount: number;
  currency: string;
}
