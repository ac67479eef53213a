/** ecommpay status requests (`/v2/payment/status`), their answer, and a payment's status mapped to ours. */
import { z } from 'zod';
import { scrubCardNumbers } from '../../../domain/card.js';
import type { DeclineClass, ProviderStatus } from '../../contract.js';
import { declineClassOf } from '../codes.js';
import { clarificationFieldNames } from './clarification.js';
import { errorItemSchema, looseId, requestGeneralSchema, type WireErrorItem } from './common.js';
import { accountSchema, operationSchema, paymentSchema, type WireOperation } from './payments.js';

export const statusRequestBodySchema = z.strictObject({ general: requestGeneralSchema });
export type StatusRequestBody = z.infer<typeof statusRequestBodySchema>;

export function buildStatusRequest(projectId: number, paymentId: string): StatusRequestBody {
  return { general: { project_id: projectId, payment_id: paymentId } };
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
