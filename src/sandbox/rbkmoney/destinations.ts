/**
 * Card tokens (payres) and destinations in the RBKmoney sandbox. A destination starts Unauthorized; its
 * authorization step (armed by ./index.ts after the configured delay) makes it Authorized, or, for the test
 * card that is never authorized, says DestinationUnauthorized and leaves it so.
 */
import { randomBytes } from 'node:crypto';
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
import { cardProblem, type SandboxCard, sandboxCard } from './cards.js';
import type { Emitted } from './events.js';
import type { DestinationRequest } from './requests.js';
import type { BankCardRequest, Destination } from './wire.js';

interface TokenRecord {
  card: SandboxCard;
  validUntil: number;
}

export interface DestinationRecord {
  destination: Destination;
  params: string;
  card: SandboxCard;
  /** The last event's number: 1 after DestinationCreated, 2 once the authorization step has run. */
  eventSeq: number;
}

export class Destinations {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #destinations = new Map<string, DestinationRecord>();

  constructor(
    private readonly context: StateContext,
    private readonly accounts: Accounts,
  ) {}

  reset(): void {
    this.#tokens.clear();
    this.#destinations.clear();
  }

  storeBankCard(request: BankCardRequest): Answer {
    const now = this.context.now();
    const problem = cardProblem(request.cardNumber, request.expDate, now);
    if (problem) return json(422, { message: problem });
    const card = sandboxCard(request.cardNumber);
    const token = `sbx${randomBytes(18).toString('base64url')}`;
    const validUntil = now.getTime() + this.context.settings.tokenLifetimeMs;
    this.#tokens.set(token, { card, validUntil });
    return json(201, {
      token,
      bin: card.bin,
      lastDigits: card.lastDigits,
      // Only when a CVV came (the provider's card-data session id).
      authData: request.cvv === undefined ? undefined : randomBytes(12).toString('base64url'),
      validUntil: new Date(validUntil).toISOString(),
    });
  }

  #liveToken(token: string | undefined): TokenRecord | undefined {
    const record = token === undefined ? undefined : this.#tokens.get(token);
    return record && record.validUntil > this.context.now().getTime() ? record : undefined;
  }

  getBankCard(token: string): Answer {
    const record = this.#liveToken(token);
    if (!record) return empty(404);
    return json(200, { token, bin: record.card.bin, lastDigits: record.card.lastDigits });
  }

  createDestination(request: DestinationRequest): Outcome<Destination> {
    if (request.resource.type !== 'BankCardDestinationResource') return refused('Resource type not allowed');
    const token = this.#liveToken(request.resource.token);
    if (!token) {
      // The provider's answer for an expired, unknown or undecryptable payres token.
      const body = {
        errorType: 'InvalidResourceToken',
        name: request.resource.type,
        description: 'Specified resource token is invalid',
      };
      return { answer: json(400, body), events: [] };
    }
    if (!this.accounts.hasIdentity(request.identity)) return refused('No such identity');
    if (!this.context.settings.currencies.includes(request.currency)) return refused('Currency not supported');
    const id = this.context.idFor('destination', request.externalID);
    // The card, not the token, counts: the same card tokenized again is the same request.
    const params = paramsOf({ ...request, resource: { type: request.resource.type, card: token.card.cardKey } });
    const existing = this.#destinations.get(id);
    if (existing) {
      const conflict = { externalID: request.externalID, id, message: conflictMessage };
      return this.context.repeat(existing.params === params, existing.destination, conflict, 201, 'destinations');
    }
    const { card } = token;
    const destination: Destination = {
      id,
      name: request.name,
      identity: request.identity,
      currency: request.currency,
      resource: {
        type: 'BankCardDestinationResource',
        // The provider answers with its own card token, not the payres token it was given.
        token: `cds${randomBytes(12).toString('base64url')}`,
        bin: card.bin,
        lastDigits: card.lastDigits,
      },
      status: 'Unauthorized',
      createdAt: this.context.timestamp(),
      isBlocked: false,
      metadata: request.metadata,
      externalID: request.externalID,
    };
    const record: DestinationRecord = { destination, params, card, eventSeq: 1 };
    this.#destinations.set(id, record);
    return {
      answer: json(201, destination, location('destinations', id)),
      events: [this.#created(record)],
      created: destination,
    };
  }

  #created({ destination, card, eventSeq }: DestinationRecord): Emitted {
    return {
      identityId: destination.identity,
      event: {
        eventID: String(eventSeq),
        occuredAt: this.context.timestamp(),
        topic: 'DestinationTopic',
        eventType: 'DestinationCreated',
        destination: {
          id: destination.id,
          name: destination.name,
          identity: destination.identity,
          currency: destination.currency,
          resource: {
            type: 'BankCard',
            cardNumberMask: card.masked,
            bin: card.bin,
            lastDigits: card.lastDigits,
            paymentSystem: card.paymentSystem,
          },
          metadata: destination.metadata,
          externalID: destination.externalID,
        },
      },
    };
  }

  /** The authorization step: Authorized, or (test card) refused for good. Once only. */
  authorize(id: string): Emitted[] {
    const record = this.#destinations.get(id);
    if (!record || record.eventSeq !== 1) return [];
    record.eventSeq = 2;
    const authorized = !record.card.behaviour.neverAuthorized;
    if (authorized) record.destination.status = 'Authorized';
    const { destination } = record;
    return [
      {
        identityId: destination.identity,
        event: {
          eventID: String(record.eventSeq),
          occuredAt: this.context.timestamp(),
          topic: 'DestinationTopic',
          eventType: authorized ? 'DestinationAuthorized' : 'DestinationUnauthorized',
          destinationID: id,
          externalID: destination.externalID,
        },
      },
    ];
  }

  record(id: string): DestinationRecord | undefined {
    return this.#destinations.get(id);
  }

  getDestination(id: string): Answer {
    const record = this.#destinations.get(id);
    return record ? json(200, record.destination) : empty(404);
  }

  getDestinationByExternalID(externalID: string): Answer {
    return this.getDestination(this.context.idFor('destination', externalID));
  }
}
