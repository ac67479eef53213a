/**
 * ecommpay Gate wire format: zod schemas for every body we send or receive, and the pure mappings between
 * them and our types. No I/O here. Outgoing schemas are strict (an unexpected key, such as a CVV, fails them);
 * incoming ones are loose and tolerant (ids and codes arrive as strings or numbers; unknown keys are kept).
 * What the provider's documentation leaves unverified is listed in docs/PROVIDERS.md.
 */
import { z } from 'zod';
import { maskPan, scrubCardNumbers } from '../../domain/card.js';
import {
  customerSchema,
  isPanCard,
  recipientSchema,
  senderSchema,
  type PayoutRequest,
} from '../../domain/payout-request.js';
import type { DeclineClass, ProviderStatus, ReportedPayout } from '../contract.js';
import { declineClassOf } from './codes.js';

export const endpoints = {
  cardPayout: '/v2/payment/card/payout',
  tokenPayout: '/v2/payment/card/payout/token',
  p2pPayout: '/v2/payment/individual/payout',
  status: '/v2/payment/status',
  /** Seen only in a third-party Gate emulator's routes; the docs name the request "clarification". */
  clarification: '/v2/payment/clarification',
} as const;

export type PayoutEndpoint = (typeof endpoints)['cardPayout' | 'tokenPayout' | 'p2pPayout'];

// ---------------------------------------------------------------------------------------------------------------
// What we send

const projectIdSchema = z.number().int().positive();
const paymentIdSchema = z.string().min(1).max(255);

export const requestGeneralSchema = z.strictObject({
  project_id: projectIdSchema,
  payment_id: paymentIdSchema,
  signature: z.string().optional(),
  merchant_callback_url: z.url().optional(),
});

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

export const statusRequestBodySchema = z.strictObject({ general: requestGeneralSchema });
export type StatusRequestBody = z.infer<typeof statusRequestBodySchema>;

/**
 * UNVERIFIED shape: `general` plus the requested values under `additional_data`, nested as in a payout body
 * (`{ customer: { first_name } }`). Only a third-party emulator shows the key; change it here alone.
 */
export const clarificationBodySchema = z.strictObject({
  general: requestGeneralSchema,
  additional_data: z.record(z.string(), z.unknown()),
});
export type ClarificationBody = z.infer<typeof clarificationBodySchema>;

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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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

export function buildStatusRequest(projectId: number, paymentId: string): StatusRequestBody {
  return { general: { project_id: projectId, payment_id: paymentId } };
}

export function buildClarificationRequest(
  projectId: number,
  paymentId: string,
  additionalData: Record<string, unknown>,
): ClarificationBody {
  return { general: { project_id: projectId, payment_id: paymentId }, additional_data: additionalData };
}

// ---------------------------------------------------------------------------------------------------------------
// What we receive

/** Ids, codes and numbers-as-text arrive either way ("0" and 0, 874 and "874"): normalised to strings. */
const looseId = z.union([z.string(), z.number()]).transform((value) => String(value));
const optionalText = z.string().optional().catch(undefined);

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

/** Any error answer, as tolerant as we can make it: every field optional. */
export const errorAnswerSchema = z.looseObject({
  status: optionalText,
  code: looseId.optional().catch(undefined),
  message: optionalText,
  errors: z.array(errorItemSchema).optional().catch(undefined),
});

const sumSchema = z.looseObject({ amount: z.number(), currency: z.string() });

export const operationSchema = z.looseObject({
  id: looseId.optional(),
  type: optionalText,
  status: optionalText,
  date: optionalText,
  created_date: optionalText,
  request_id: looseId.optional().catch(undefined),
  sum_initial: sumSchema.optional().catch(undefined),
  sum_converted: sumSchema.optional().catch(undefined),
  code: looseId.optional().catch(undefined),
  message: optionalText,
});
export type WireOperation = z.infer<typeof operationSchema>;

const paymentSchema = z.looseObject({
  id: looseId.optional(),
  type: optionalText,
  status: z.string(),
  date: optionalText,
  method: optionalText,
  sum: sumSchema.optional(),
  description: optionalText,
});

/** The card as the provider shows it (`400002******1488`); a full number, should one come, is masked. */
const accountSchema = z
  .looseObject({ number: z.string().optional().catch(undefined) })
  .optional()
  .catch(undefined);

/** What the provider's record holds: the payment's sum and the masked card, to check against ours. */
export function reportedPayout(
  payment: { sum?: { amount: number; currency: string } },
  account: { number?: string } | undefined,
): ReportedPayout {
  return {
    ...(payment.sum ? { amount: { value: payment.sum.amount, currency: payment.sum.currency } } : {}),
    ...(account?.number ? { maskedCard: maskIfFull(account.number) } : {}),
  };
}

function maskIfFull(number: string): string {
  const digits = number.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(digits) ? maskPan(digits) : scrubCardNumbers(number).slice(0, 32);
}

/** Answer of POST /v2/payment/status. A payment the provider does not know comes back with errors[] 3061. */
export const statusAnswerSchema = z.looseObject({
  project_id: looseId.optional(),
  payment: paymentSchema,
  account: accountSchema,
  operations: z.array(operationSchema).optional().catch(undefined),
  errors: z.array(errorItemSchema).optional().catch(undefined),
  clarification_fields: z.unknown().optional(),
});
export type StatusAnswer = z.infer<typeof statusAnswerSchema>;

/** A callback: one payment and the operation that changed it; signed at the top level (or in general). */
export const callbackSchema = z.looseObject({
  project_id: looseId.optional(),
  payment: paymentSchema.extend({ id: looseId }),
  account: accountSchema,
  operation: operationSchema.optional(),
  errors: z.array(errorItemSchema).optional().catch(undefined),
  clarification_fields: z.unknown().optional(),
  signature: z.string().optional(),
});
export type CallbackBody = z.infer<typeof callbackSchema>;

/** The provider's code and message from any error answer: top-level, else the first errors[] item. */
export function extractError(body: unknown): { code?: string; message?: string; field?: string } {
  const parsed = errorAnswerSchema.safeParse(body);
  if (!parsed.success) return {};
  const { code, message, errors } = parsed.data;
  const first = errors?.find((item) => item.code !== undefined) ?? errors?.[0];
  const usable = code !== undefined && code !== '0';
  return {
    code: usable ? code : first?.code,
    message: usable ? (message ?? first?.message) : (first?.message ?? message),
    field: first?.field,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Status mapping

const knownStatuses = [
  'success',
  'decline',
  'awaiting clarification',
  'processing',
  'external processing',
  'error',
  'internal error',
  'external error',
  'reversed',
  'partially reversed',
  'partially paid out',
] as const;
type KnownStatus = (typeof knownStatuses)[number];
type StatusKind = KnownStatus | 'awaiting other' | 'unrecognized';

function kindOf(status: string): StatusKind {
  const normalised = status.trim().toLowerCase();
  if ((knownStatuses as readonly string[]).includes(normalised)) return normalised as KnownStatus;
  if (normalised.startsWith('awaiting ')) return 'awaiting other';
  return 'unrecognized';
}

export interface ObservedPayout {
  paymentStatus?: string;
  /** The payout operation the status is about (callback `operation`, or the latest from `operations[]`). */
  operation?: WireOperation;
  errors?: WireErrorItem[];
  clarificationFields?: unknown;
}

/** The payout operation among a status answer's operations: the latest of type payout, else the latest. */
export function pickPayoutOperation(operations: WireOperation[] | undefined): WireOperation | undefined {
  if (!operations || operations.length === 0) return undefined;
  const payouts = operations.filter((operation) => operation.type === 'payout');
  return (payouts.length > 0 ? payouts : operations).at(-1);
}

function clip(text: string): string {
  const scrubbed = scrubCardNumbers(text);
  return scrubbed.length > 300 ? `${scrubbed.slice(0, 300)}…` : scrubbed;
}

function declineDetail(
  observed: ObservedPayout,
  fallback: string,
): { code: string; message: string; failureClass: DeclineClass } {
  const operation = observed.operation;
  const fromOperation = operation?.code !== undefined && operation.code !== '0' ? operation : undefined;
  const fromErrors = observed.errors?.find((item) => item.code !== undefined);
  const code = fromOperation?.code ?? fromErrors?.code ?? fallback;
  const message = fromOperation?.message ?? fromErrors?.message ?? operation?.message ?? fallback;
  // The same code table as a synchronous answer (codes.ts): 3028 in a callback is our balance, not the card.
  return { code, message: clip(message), failureClass: declineClassOf(code) };
}

/**
 * Payment status (else operation status) to ProviderStatus. Choices that matter for paying exactly once:
 * - `error` is the platform's final failed state: declined.
 * - `internal error` / `external error` mean the platform itself lacks a final outcome (the bank may have
 *   credited the card): unknown, never declined, so nobody pays again while money may have moved.
 * - `reversed` / `partially reversed`: a payout that had succeeded was taken back. Not a decline (it was paid
 *   once), not a success any more: unknown with a reason starting "reversed", for a person to settle.
 */
export function mapStatus(observed: ObservedPayout): ProviderStatus {
  const raw = observed.paymentStatus ?? observed.operation?.status;
  const reference = observed.operation?.request_id;
  if (raw === undefined) return { state: 'unknown', reference, reason: 'the provider reported no status' };
  const kind = kindOf(raw);
  switch (kind) {
    case 'success':
      return { state: 'succeeded', reference };
    case 'decline':
      return { state: 'declined', reference, ...declineDetail(observed, 'decline') };
    case 'error':
      return { state: 'declined', reference, ...declineDetail(observed, 'error') };
    case 'awaiting clarification':
      return { state: 'needs_clarification', reference, fields: clarificationFieldNames(observed.clarificationFields) };
    case 'processing':
    case 'external processing':
    case 'awaiting other':
      return { state: 'pending', reference, detail: clip(raw) };
    case 'internal error':
    case 'external error':
      return {
        state: 'unknown',
        reference,
        reason: `${kind}: the provider has no final outcome; ${clip(declineDetail(observed, kind).message)}`,
      };
    case 'reversed':
    case 'partially reversed':
      return { state: 'unknown', reference, reason: `reversed: the provider reports "${kind}" after paying out` };
    case 'partially paid out':
      return { state: 'unknown', reference, reason: 'partially paid out: only part of the amount was credited' };
    case 'unrecognized':
      return { state: 'unknown', reference, reason: `unrecognised provider status "${clip(raw)}"` };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/**
 * Field names from `clarification_fields`, as dotted paths (`customer.first_name`). Accepts the legacy form
 * `{ avs_data: ['avs_post_code'] }`, the JSON-Schema-like form `{ customer: { type: 'object', properties:
 * { first_name: {...} } } }`, and plain lists of names.
 */
export function clarificationFieldNames(fields: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown, prefix: string): void => {
    const join = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
    if (typeof node === 'string') {
      names.push(join(node));
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, prefix);
    } else if (isPlainObject(node)) {
      const isSchema = typeof node.type === 'string' || 'properties' in node;
      if (isSchema) {
        if (isPlainObject(node.properties)) {
          for (const [name, child] of Object.entries(node.properties)) visit(asSchemaLeaf(child), join(name));
        } else if (prefix !== '') {
          names.push(prefix);
        }
        return;
      }
      for (const [name, child] of Object.entries(node)) {
        if (isPlainObject(child) || Array.isArray(child)) visit(child, join(name));
        else names.push(join(name));
      }
    }
  };
  visit(fields, '');
  return [...new Set(names)];
}

/** A property of a schema-like node: a schema itself (recursed into) or a bare value (a leaf). */
function asSchemaLeaf(child: unknown): unknown {
  return isPlainObject(child) ? { type: 'object', ...child } : { type: 'leaf' };
}
