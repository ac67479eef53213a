/**
 * What providers tell us, mapped into our terms: the messages every layer reads (workflows decide on them,
 * activities pass them on, the relay signals them, the client shows validation problems). Types only; the
 * PayoutProvider contract that produces them is src/providers/contract.ts.
 */
import type { ProviderName } from './payout-request.js';

/** One problem that would make the provider refuse a payout, found before anything is sent. */
export interface ValidationProblem {
  /** Dotted path into the PayoutRequest, e.g. `sender.day_of_birth`. */
  path: string;
  reason: string;
}

export type SubmitResult =
  | { outcome: 'accepted'; reference?: string }
  /** The provider already has this idempotency key: the payout was accepted earlier; learn its status. */
  | { outcome: 'duplicate'; reference?: string };

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
