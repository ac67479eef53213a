/**
 * What every ecommpay Gate body shares: the endpoints, the `general` block of a request, the tolerant id and
 * text types of an answer, its error items, and the synchronous "request registered" answer. No I/O in wire/.
 * Outgoing schemas are strict (an unexpected key, such as a CVV, fails them); incoming ones are loose and
 * tolerant (ids and codes arrive as strings or numbers; unknown keys are kept). What the provider's
 * documentation leaves unverified is listed in docs/PROVIDERS.md.
 */
import { z } from 'zod';

export const endpoints = {
  cardPayout: '/v2/payment/card/payout',
  tokenPayout: '/v2/payment/card/payout/token',
  p2pPayout: '/v2/payment/individual/payout',
  status: '/v2/payment/status',
  /** Seen only in a third-party Gate emulator's routes; the docs name the request "clarification". */
  clarification: '/v2/payment/clarification',
} as const;

export type PayoutEndpoint = (typeof endpoints)['cardPayout' | 'tokenPayout' | 'p2pPayout'];

const projectIdSchema = z.number().int().positive();
const paymentIdSchema = z.string().min(1).max(255);

export const requestGeneralSchema = z.strictObject({
  project_id: projectIdSchema,
  payment_id: paymentIdSchema,
  signature: z.string().optional(),
  merchant_callback_url: z.url().optional(),
});

/** Ids, codes and numbers-as-text arrive either way ("0" and 0, 874 and "874"): normalised to strings. */
export const looseId = z.union([z.string(), z.number()]).transform((value) => String(value));
export const optionalText = z.string().optional().catch(undefined);

export const errorItemSchema = z.looseObject({
  code: looseId.optional().catch(undefined),
  message: optionalText,
  field: optionalText,
  description: z.unknown().optional(),
});
export type WireErrorItem = z.infer<typeof errorItemSchema>;

/** The synchronous "request registered" answer: HTTP 200 `{status, request_id, project_id, payment_id}`. */
export const acceptedAnswerSchema = z.looseObject({
  status: z.string().refine((status) => status !== 'error'),
  request_id: looseId,
  project_id: looseId.optional(),
  payment_id: looseId.optional(),
});
export type AcceptedAnswer = z.infer<typeof acceptedAnswerSchema>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
