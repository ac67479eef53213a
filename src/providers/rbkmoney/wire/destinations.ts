/** RBKmoney destinations (`/wallet/v0/destinations`): a card bound to our identity, paid by withdrawals. */
import { z } from 'zod';
import { scrubCardNumbers } from '../../../domain/card.js';
import { metadataSchema, scrubbed } from './common.js';

export const destinationStatuses = ['Unauthorized', 'Authorized'] as const;

export const destinationSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  identity: z.string(),
  currency: z.string(),
  /** The answer's `token` is the provider's internal card token, not the payres token we sent. */
  resource: z.object({
    type: z.string(),
    token: z.string().optional(),
    bin: z.string().optional(),
    lastDigits: z.string().optional(),
    paymentSystem: z.string().optional(),
  }),
  status: z.enum(destinationStatuses),
  validUntil: z.string().optional(),
  createdAt: z.string().optional(),
  isBlocked: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
});
export type Destination = z.infer<typeof destinationSchema>;
export interface DestinationParams {
  name: string;
  identity: string;
  currency: string;
  resource: { type: 'BankCardDestinationResource'; token: string };
  externalID: string;
  metadata?: Record<string, unknown>;
}

/** A withdrawal to this destination is accepted only when it is Authorized (422 "Destination unauthorized"). */
export function isDestinationUsable(destination: Destination): boolean {
  return destination.status === 'Authorized' && destination.isBlocked !== true;
}

export interface CreateDestinationInput {
  externalID: string;
  identityID: string;
  currency: string;
  /** The payres token from storeBankCard. */
  token: string;
  /**
   * The masked card (maskPan: 424242******4242), which names the destination. It must be the same on every
   * retry: the provider answers 409 when the same externalID comes with a different name.
   */
  maskedCard: string;
  metadata?: Record<string, unknown>;
}

export function buildCreateDestination(input: CreateDestinationInput): DestinationParams {
  const params: DestinationParams = {
    name: `Card ${scrubCardNumbers(input.maskedCard)}`,
    identity: input.identityID,
    currency: input.currency,
    resource: { type: 'BankCardDestinationResource', token: input.token },
    externalID: input.externalID,
  };
  if (input.metadata) params.metadata = scrubbed(input.metadata) as Record<string, unknown>;
  return params;
}
