/** ecommpay payout requests (card, token, P2P): the body we sign and send for one attempt of one payout. */
import { z } from 'zod';
import {
  customerSchema,
  isPanCard,
  recipientSchema,
  senderSchema,
  type PayoutRequest,
} from '../../../domain/payout-request.js';
import { endpoints, isPlainObject, type PayoutEndpoint, requestGeneralSchema } from './common.js';

/** No `cvv`: payouts never carry one, and the strict schema refuses it. */
export const wireCardSchema = z.strictObject({
  pan: z.string().regex(/^\d{12,19}$/),
  year: z.number().int().optional(),
  month: z.number().int().min(1).max(12).optional(),
  card_holder: z.string().optional(),
});

export const payoutBodySchema = z.strictObject({
  general: requestGeneralSchema,
  card: wireCardSchema.optional(),
  token: z.string().min(1).optional(),
  // The person blocks of a PayoutRequest already use the doc's field names.
  customer: customerSchema.strict().optional(),
  sender: senderSchema.strict().optional(),
  recipient: recipientSchema.strict().optional(),
  payment: z.strictObject({
    amount: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    description: z.string().optional(),
  }),
  callback: z.strictObject({ delay: z.number().int().min(0).max(600).optional() }).optional(),
});
export type PayoutBody = z.infer<typeof payoutBodySchema>;

export interface BuildOptions {
  callbackUrl?: string;
  /** Seconds ecommpay waits before sending the callback (at most 600). */
  callbackDelaySeconds?: number;
}

export interface BuiltPayout {
  endpoint: PayoutEndpoint;
  /** Unsigned: the client adds general.signature. */
  body: PayoutBody;
}

/** Drops undefined values and the objects they leave empty, so what is signed is exactly what is sent. */
function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => [key, compact(child)] as const)
    .filter(([, child]) => child !== undefined && !(isPlainObject(child) && Object.keys(child).length === 0));
  return Object.fromEntries(entries) as T;
}

/**
 * The payout request for one attempt: the endpoint by card kind (token, then p2p, then card), the amount in
 * minor units as it is, and the idempotency key as payment_id. Never a CVV.
 */
export function buildPayoutRequest(
  request: PayoutRequest,
  projectId: number,
  paymentId: string,
  options: BuildOptions = {},
): BuiltPayout {
  const card = request.card;
  const endpoint: PayoutEndpoint = !isPanCard(card)
    ? endpoints.tokenPayout
    : request.kind === 'p2p'
      ? endpoints.p2pPayout
      : endpoints.cardPayout;
  const cardPart = isPanCard(card)
    ? { card: { pan: card.pan, year: card.expYear, month: card.expMonth, card_holder: card.holder } }
    : { token: card.token };
  const body = compact({
    general: { project_id: projectId, payment_id: paymentId, merchant_callback_url: options.callbackUrl },
    ...cardPart,
    customer: request.customer,
    sender: request.sender,
    recipient: request.recipient,
    payment: { amount: request.amount, currency: request.currency, description: request.description },
    callback: options.callbackDelaySeconds === undefined ? undefined : { delay: options.callbackDelaySeconds },
  }) as PayoutBody;
  return { endpoint, body };
}
