/**
 * The one contract every payment provider implements. Activities and workflows depend on this and on
 * nothing provider-specific. Providers never import Temporal: they throw the errors in ./errors.ts, and
 * src/activities turns those into Temporal failures in one place.
 */
import type { PanCard, PayoutRequest, ProviderName } from '../domain/payout-request.js';
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
  /**
   * Declared by providers that pay to a card bound beforehand (RBKmoney's destinations), as
   * domain/provider-capabilities.ts says; the card-binding activities use it, whichever provider it is.
   */
  readonly cardBinding?: CardBinding;
}

/** A card bound at the provider (a destination), named by a keyed externalID, never by the card number. */
export interface BoundCard {
  id: string;
  externalID?: string;
  /** The provider's own status word, for people. */
  status: string;
  /** Ready to be paid to. */
  usable: boolean;
}

/** Binding a card once per identity and currency; payouts then name the bound card. */
export interface CardBinding {
  /** Sends the card to the provider's card vault; only a short-lived token comes back. */
  tokenizeCard(card: PanCard): Promise<{ token: string }>;
  /** The bound card named by externalID, created from the token when there is none yet. */
  ensureDestination(input: { token: string; externalID: string; currency: string; name: string }): Promise<BoundCard>;
  getDestination(id: string): Promise<BoundCard | undefined>;
  /** The externalID of this card's binding in a currency: a keyed fingerprint, so it names the card safely. */
  destinationExternalId(card: PanCard, currency: string): string;
}

export interface AccountBalance {
  amount: number;
  currency: string;
}
