/**
 * Gate requests as the provider reads them. These schemas are written from the provider's payout doc, not
 * taken from the adapter's wire schemas, so that the sandbox can catch the adapter out:
 * they are loose (the doc allows "any other parameter of the specification") and they require what the
 * doc calls a correct request: project and payment ids, the signature, the customer's id and IP address,
 * amount and currency, and the card number or token; a Visa card also needs sender.day_of_birth.
 */
import { z } from 'zod';
import { luhnValid } from '../../domain/card.js';
import { isCurrencyCode } from '../../domain/currency.js';
import type { GateCode } from './codes.js';
import { signatureMatches } from './signature.js';

export interface FieldError {
  /** Dotted path into the request, e.g. `customer.ip_address`. */
  field: string;
  code: GateCode;
}

/** Numbers or digit strings: the signature is the same either way. */
const projectIdSchema = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);

const generalSchema = z.looseObject({
  project_id: projectIdSchema,
  payment_id: z.string().min(1).max(255),
  signature: z.string().min(1),
  merchant_callback_url: z.url({ protocol: /^https?$/ }).optional(),
});

const baseFields = {
  general: generalSchema,
  customer: z.looseObject({ id: z.string().min(1).max(255), ip_address: z.union([z.ipv4(), z.ipv6()]) }),
  payment: z.looseObject({
    amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    currency: z.string().refine(isCurrencyCode),
    description: z.string().max(255).optional(),
  }),
  sender: z
    .looseObject({
      day_of_birth: z
        .string()
        .regex(/^\d{2}-\d{2}-\d{4}$/)
        .optional(),
    })
    .optional(),
  callback: z.looseObject({ delay: z.number().int().min(0).max(600).optional() }).optional(),
};

export const cardPayoutSchema = z.looseObject({
  ...baseFields,
  card: z.looseObject({
    pan: z
      .string()
      .regex(/^\d{12,19}$/)
      .refine(luhnValid),
    year: z.number().int().optional(),
    month: z.number().int().min(1).max(12).optional(),
    card_holder: z.string().min(1).max(100).optional(),
  }),
});

/** A rule across fields, checked whatever else is wrong, so that one answer lists every problem. */
export type CrossFieldRule = (body: unknown) => FieldError | undefined;

/** The doc: a payout to a Visa card needs the sender's date of birth. */
export const visaNeedsBirthDate: CrossFieldRule = (body) => {
  const pan = readPath(body, 'card.pan');
  const visa = typeof pan === 'string' && pan.startsWith('4');
  return visa && readPath(body, 'sender.day_of_birth') === undefined
    ? { field: 'sender.day_of_birth', code: '2004' }
    : undefined;
};

export const tokenPayoutSchema = z.looseObject({ ...baseFields, token: z.string().min(1).max(1000) });

export const statusRequestSchema = z.looseObject({ general: generalSchema });

export const clarificationRequestSchema = z.looseObject({
  general: generalSchema,
  additional_data: z.record(z.string(), z.unknown()),
});

/** Codes for a field that is present but wrong; any other such field gets 702 "Malformed request". */
const invalidFieldCodes: Record<string, GateCode> = {
  'general.payment_id': '3024',
  'payment.currency': '3121',
  token: '3027',
  'sender.day_of_birth': '2609',
  'card.card_holder': '3161',
};

export function readPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The body parsed by the schema, or one error per offending field (2004 when absent). */
export function parseFields<T>(
  schema: z.ZodType<T>,
  body: unknown,
  rules: readonly CrossFieldRule[] = [],
): { ok: true; data: T } | { ok: false; errors: FieldError[] } {
  const parsed = schema.safeParse(body);
  const errors = new Map<string, FieldError>();
  for (const issue of parsed.error?.issues ?? []) {
    const field = issue.path.map(String).join('.');
    const absent = readPath(body, field) === undefined;
    errors.set(field, { field, code: absent ? '2004' : (invalidFieldCodes[field] ?? '702') });
  }
  for (const error of rules.map((rule) => rule(body))) {
    if (error && !errors.has(error.field)) errors.set(error.field, error);
  }
  if (parsed.success && errors.size === 0) return { ok: true, data: parsed.data };
  return { ok: false, errors: [...errors.values()] };
}

export type Authentication =
  { ok: true; body: Record<string, unknown> } | { ok: false; error: FieldError; paymentId?: string };

/** The checks before any other: a JSON object, our project, a signature, and the right one. */
export function authenticate(value: unknown, projectId: number, secretKey: string): Authentication {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: { field: '', code: '702' } };
  }
  const body = value as Record<string, unknown>;
  const rawPaymentId = readPath(body, 'general.payment_id');
  const paymentId = typeof rawPaymentId === 'string' ? rawPaymentId : undefined;
  const claimedProject = projectIdSchema.safeParse(readPath(body, 'general.project_id'));
  if (!claimedProject.success || claimedProject.data !== projectId) {
    return { ok: false, error: { field: 'general.project_id', code: '2442' }, paymentId };
  }
  const signature = readPath(body, 'general.signature');
  if (typeof signature !== 'string' || signature === '') {
    return { ok: false, error: { field: 'general.signature', code: '3262' }, paymentId };
  }
  if (!signatureMatches(body, secretKey))
    return { ok: false, error: { field: 'general.signature', code: '3261' }, paymentId };
  return { ok: true, body };
}
