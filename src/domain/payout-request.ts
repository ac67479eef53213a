/**
 * PayoutRequest: what a merchant asks us to pay. The single source of truth for its shape; the workflow
 * input, the client library, the CLI's CSV/JSONL rows and the JSON Schemas for other languages derive from it.
 * Person data uses the field names of ecommpay's Gate payout doc (snake_case), which is what merchants send.
 */
import { z } from 'zod';
import { luhnValid, type securityCodeFieldNames } from './card.js';
import { isCurrencyCode } from './currency.js';

// Workflow code imports it from card.ts, which has no zod.
export { isPanCard } from './card.js';

export const providerNames = ['ecommpay', 'rbkmoney'] as const;
export const providerNameSchema = z.enum(providerNames);
export type ProviderName = z.infer<typeof providerNameSchema>;

export const payoutIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, "_" and "-"');

export const currencySchema = z
  .string()
  .refine((code) => isCurrencyCode(code), { message: 'must be an ISO 4217 alphabetic code in circulation (e.g. RUB)' });

/** Integer minor units (kopecks, cents); never floats. */
export const amountMinorSchema = z
  .number()
  .int('must be an integer in minor units')
  .positive()
  .max(Number.MAX_SAFE_INTEGER);

const countryAlpha2 = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code');
/** DD-MM-YYYY, as ecommpay's doc writes dates of birth. */
const dayOfBirth = z.string().regex(/^\d{2}-\d{2}-\d{4}$/, 'must be DD-MM-YYYY');

export const identifySchema = z.object({
  doc_number: z.string().optional(),
  doc_type: z.string().optional(),
  doc_issue_date: z.string().optional(),
  doc_issue_by: z.string().optional(),
});

export const billingSchema = z.object({
  country: countryAlpha2.optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  address: z.string().optional(),
  postal: z.string().optional(),
});

const personFields = {
  first_name: z.string().min(1).optional(),
  middle_name: z.string().optional(),
  last_name: z.string().min(1).optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  day_of_birth: dayOfBirth.optional(),
  birthplace: z.string().optional(),
  datetime: z.string().optional(),
  identify: identifySchema.optional(),
  billing: billingSchema.optional(),
};

export const customerSchema = z.object({
  id: z.string().min(1).max(255).optional(),
  ip_address: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  country: countryAlpha2.optional(),
  state: z.string().optional(),
  zip: z.string().optional(),
  ...personFields,
});

export const senderSchema = z.object({
  /** The sender's own card (MoneySend from a person) or e-wallet id. */
  pan: z.string().optional(),
  wallet_id: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  zip: z.string().optional(),
  country: countryAlpha2.optional(),
  state: z.string().optional(),
  citizenship: z.string().optional(),
  residence: z.string().optional(),
  ...personFields,
});

export const recipientSchema = z.object({
  first_name: z.string().min(1).optional(),
  last_name: z.string().min(1).optional(),
  country: countryAlpha2.optional(),
  state: z.string().optional(),
  city: z.string().optional(),
  address: z.string().optional(),
  zip: z.string().optional(),
});

export const cardSchemeSchema = z.enum(['visa', 'mastercard', 'mir', 'unionpay', 'maestro', 'amex', 'jcb', 'other']);
export type CardScheme = z.infer<typeof cardSchemeSchema>;

/**
 * A card security code is refused wherever a request enters (client, CLI files, the worker's validation): PCI
 * DSS forbids keeping one after authorization, even encrypted, and Temporal keeps a payout's input for its run
 * and retention. No payout needs it: ecommpay payouts never send one, RBKmoney tokenizes a card without it.
 */
export const securityCodeRefusal =
  'a CVV/CVC is never accepted: payouts do not need one, and it must not be stored (PCI DSS); leave it out';
const refusedSecurityCode = z.never({ error: securityCodeRefusal }).optional();
/** The names a security code goes by (domain/card.ts); each is refused, not silently dropped. */
const securityCodeFields = {
  cvv: refusedSecurityCode,
  cvc: refusedSecurityCode,
  cvv2: refusedSecurityCode,
  cvc2: refusedSecurityCode,
  csc: refusedSecurityCode,
} satisfies Record<(typeof securityCodeFieldNames)[number], typeof refusedSecurityCode>;

const cardHints = {
  /** When the caller knows better than our BIN table. */
  scheme: cardSchemeSchema.optional(),
  issuerCountry: countryAlpha2.optional(),
};

export const panCardSchema = z.object({
  pan: z
    .string()
    .regex(/^\d{12,19}$/, 'must be 12-19 digits')
    .refine(luhnValid, 'fails the Luhn check'),
  expMonth: z.number().int().min(1).max(12).optional(),
  expYear: z.number().int().min(2000).max(2099).optional(),
  holder: z.string().min(1).max(100).optional(),
  ...securityCodeFields,
  ...cardHints,
});

export const tokenCardSchema = z.object({
  token: z.string().min(1).max(1000),
  ...securityCodeFields,
  ...cardHints,
});

export const cardSchema = z.union([panCardSchema, tokenCardSchema]);
export type PanCard = z.infer<typeof panCardSchema>;
export type TokenCard = z.infer<typeof tokenCardSchema>;
export type Card = z.infer<typeof cardSchema>;

/**
 * `merchant`: the company pays a person (Visa OCT, Mastercard MoneySend funds disbursement).
 * `p2p`: a person sends to a person through the company (Visa Money Transfer, MoneySend person-to-person);
 * schemes then require sender details.
 */
export const payoutKindSchema = z.enum(['merchant', 'p2p']);

export const payoutRequestSchema = z.object({
  payoutId: payoutIdSchema,
  provider: providerNameSchema,
  amount: amountMinorSchema,
  currency: currencySchema,
  card: cardSchema,
  kind: payoutKindSchema.default('merchant'),
  description: z.string().max(255).optional(),
  customer: customerSchema.optional(),
  sender: senderSchema.optional(),
  recipient: recipientSchema.optional(),
  batchId: payoutIdSchema.optional(),
  /** Not before this instant (ISO 8601); the workflow waits durably until then. */
  notBefore: z.iso.datetime({ offset: true }).optional(),
  metadata: z.record(z.string(), z.string().max(500)).optional(),
});

export type PayoutRequest = z.infer<typeof payoutRequestSchema>;
export type PayoutRequestInput = z.input<typeof payoutRequestSchema>;

// Checking against the card form the request uses gives "card.pan: fails the Luhn check" (or "card.cvv: a CVV/CVC
// is never accepted") instead of a union's "card: Invalid input".
const panRequestSchema = payoutRequestSchema.extend({ card: panCardSchema });
const tokenRequestSchema = payoutRequestSchema.extend({ card: tokenCardSchema });

/** The request schema for the card form `input` uses (by PAN or by token); the union when it uses neither. */
export function payoutRequestSchemaFor(input: unknown): z.ZodType<PayoutRequest> {
  const card = (input as { card?: unknown } | null)?.card;
  if (card && typeof card === 'object') {
    if ('pan' in card) return panRequestSchema;
    if ('token' in card) return tokenRequestSchema;
  }
  return payoutRequestSchema;
}
