/**
 * The one contract every payment provider implements. Activities and workflows depend on this and on
 * nothing provider-specific. Providers never import Temporal: they throw the errors in ./errors.ts, and
 * src/activities turns those into Temporal failures in one place.
 */
import type { PayoutRequest, ProviderName } from '../domain/payout-request.js';

/** One problem that would make the provider refuse a payout, found before anything is sent. */
export interface ValidationProblem {
  /** Dotted path into the PayoutRequest, e.g. `sender.day_of_birth`. */
  path: string;
  reason: string;
}

/** What the provider needs to send one attempt of one payout. */
export interface SubmitInput {
  request: PayoutRequest;
  /** Provider-side idempotency key (ecommpay payment_id, RBKmoney externalID), derived from payoutId and attempt. */
  idempotencyKey: string;
  /** Provider objects prepared by earlier steps (RBKmoney: the bound destination's id). */
  prepared?: { destinationId?: string };
}

export type SubmitResult =
  | { outcome: 'accepted'; reference?: string }
  /** The provider already has this idempotency key: the payout was accepted earlier; learn its status. */
  | { outcome: 'duplicate'; reference?: string };

export interface StatusLookup {
  payoutId: string;
  idempotencyKey: string;
  reference?: string;
}

export type DeclineClass = 'declined' | 'systemic' | 'invalid_request' | 'unclassified';

/** What the provider says its record holds, to check against what we sent (never trusted on its own). */
export interface ReportedPayout {
  amount?: { value: number; currency: string };
  /** The card as the provider shows it, masked (ecommpay `account.number`); absent for tokens. */
  maskedCard?: string;
}

/** The provider's view of a payout, mapped. `unknown` is never a failure: money may have moved. */
export type ProviderStatus = ReportedPayout &
  (
    | { state: 'pending'; reference?: string; detail?: string }
    | { state: 'succeeded'; reference?: string }
    | {
        state: 'declined';
        reference?: string;
        code: string;
        message: string;
        /**
         * What the code says, from the provider's one code table: a card's decline, our side (systemic), a
         * wrong request, or a code the table does not know (never a final decline by itself). Absent: declined.
         */
        failureClass?: DeclineClass;
      }
    | { state: 'needs_clarification'; reference?: string; fields: string[] }
    | { state: 'unknown'; reference?: string; reason: string }
  );

/** A verified callback, mapped to the payout it concerns. */
export interface ProviderEvent {
  provider: ProviderName;
  /** The provider-side idempotency key the event is about (ecommpay payment.id, RBKmoney externalID). */
  idempotencyKey: string;
  /** A stable id for deduplication: the provider's event id, or one built from what the event says. */
  eventId: string;
  status: ProviderStatus;
  /** Amount and currency as the provider reports them, to detect contradictions. */
  amount?: ReportedPayout['amount'];
  occurredAt?: string;
}

/**
 * A card binding changed state at the provider (RBKmoney destinations), keyed like the create that made it,
 * so the relay can signal the binding's workflow without knowing the provider's event format.
 */
export interface BindingEvent {
  provider: ProviderName;
  /** The binding's provider-side idempotency key (RBKmoney destination externalID). */
  idempotencyKey: string;
  /** The provider's id for the binding (RBKmoney destination id). */
  reference: string;
  /** A stable id for deduplication. */
  eventId: string;
  state: 'created' | 'authorized' | 'unauthorized';
  occurredAt?: string;
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
