/**
 * What the ecommpay sandbox sends: error answers, the "request registered" answer, status answers and
 * callbacks, in the shapes of the provider's doc (/work/shared/seeds/ecommpay-gate-payouts.ru.md) and the
 * reference (/work/shared/reference/ecommpay.md). Status answers and callbacks are signed at the top level.
 */
import { z } from 'zod';
import type { LedgerEntry, LedgerStatus } from '../ledger.js';
import { jsonReply, type Reply } from '../server.js';
import { gateMessages, type GateCode } from './codes.js';
import type { FieldError } from './requests.js';
import { gateSignature } from './signature.js';
import { clarificationRequests, outcomeSchema } from './test-cards.js';

/** What the ecommpay module keeps in a ledger entry's `details`. */
export const ecommpayDetailsSchema = z.object({
  operationId: z.number().int().positive(),
  outcome: outcomeSchema,
  customerId: z.string(),
  description: z.string().optional(),
  byToken: z.boolean(),
  callbackUrl: z.string(),
  callbackDelayMs: z.number().int().min(0),
  /** The clarification request has been answered. */
  clarified: z.boolean(),
  /** When the next processing step is due (so a restarted sandbox can re-arm it). */
  dueAt: z.iso.datetime().optional(),
});
export type EcommpayDetails = z.infer<typeof ecommpayDetailsSchema>;

export interface GatePayout {
  entry: Readonly<LedgerEntry>;
  details: EcommpayDetails;
}

export const gatePayout = (entry: Readonly<LedgerEntry>): GatePayout => ({
  entry,
  details: ecommpayDetailsSchema.parse(entry.details),
});

const gateStatuses: Record<LedgerStatus, string> = {
  pending: 'processing',
  awaiting_clarification: 'awaiting clarification',
  succeeded: 'success',
  declined: 'decline',
};

/** ecommpay's date form: `2019-06-24T11:08:49+0000`. */
export const gateDate = (iso: string): string => `${iso.slice(0, 19)}+0000`;

export function errorReply(errors: FieldError[], ids: { projectId?: number; paymentId?: string } = {}): Reply {
  const first = errors[0] ?? { field: '', code: '702' };
  return jsonReply(400, {
    status: 'error',
    code: first.code,
    message: gateMessages[first.code],
    ...(ids.projectId === undefined ? {} : { project_id: ids.projectId }),
    ...(ids.paymentId === undefined ? {} : { payment_id: ids.paymentId }),
    errors: errors.map(({ field, code }) => ({
      code: Number(code),
      message: gateMessages[code],
      ...(field === '' ? {} : { field }),
    })),
  });
}

export const acceptedReply = (requestId: string, projectId: number, paymentId: string): Reply =>
  jsonReply(200, { status: 'success', request_id: requestId, project_id: projectId, payment_id: paymentId });

function operationCode({ entry }: GatePayout): GateCode | undefined {
  switch (entry.status) {
    case 'succeeded':
      return '0';
    case 'declined':
      return entry.code as GateCode;
    case 'awaiting_clarification':
      return '3191';
    case 'pending':
      return undefined;
  }
}

/** The parts a status answer and a callback share. */
function payoutObjects(payout: GatePayout, projectId: number): Record<string, unknown> {
  const { entry, details } = payout;
  const status = gateStatuses[entry.status];
  const date = gateDate(entry.settledAt ?? entry.acceptedAt);
  const sum = { amount: entry.amount, currency: entry.currency };
  const code = operationCode(payout);
  const settled = entry.status === 'succeeded' || entry.status === 'declined';
  return {
    project_id: projectId,
    payment: {
      id: entry.key,
      type: 'payout',
      status,
      date,
      method: 'card',
      sum,
      description: details.description ?? '',
    },
    ...(details.byToken ? {} : { account: { number: entry.card } }),
    customer: { id: details.customerId },
    operation: {
      id: details.operationId,
      type: 'payout',
      status,
      date,
      created_date: gateDate(entry.acceptedAt),
      request_id: entry.reference,
      sum_initial: sum,
      sum_converted: sum,
      ...(settled ? { provider: { id: 1, payment_id: `sandbox-${details.operationId}`, date, auth_code: '' } } : {}),
      ...(code === undefined ? {} : { code, message: entry.message ?? gateMessages[code] }),
    },
    ...(entry.status === 'awaiting_clarification' && details.outcome.kind === 'clarification'
      ? { clarification_fields: clarificationRequests[details.outcome.ask].wire }
      : {}),
  };
}

const signed = (body: Record<string, unknown>, secretKey: string) => ({
  ...body,
  signature: gateSignature(body, secretKey),
});

/** A callback: payment and operation objects, signed at the top level with the project's secret key (./signature.ts). */
export function callbackBody(payout: GatePayout, projectId: number, secretKey: string): Record<string, unknown> {
  return signed(payoutObjects(payout, projectId), secretKey);
}

/** Answer of POST /v2/payment/status: as a callback, with the operation in `operations[]`. */
export function statusAnswer(payout: GatePayout, projectId: number, secretKey: string): Record<string, unknown> {
  const { operation, ...rest } = payoutObjects(payout, projectId);
  return signed({ ...rest, operations: [operation] }, secretKey);
}

/** A status request about a payment the sandbox does not hold (the third-party emulator's shape, HTTP 200). */
export const notFoundStatusAnswer = (): Reply =>
  jsonReply(200, { payment: { status: 'error' }, errors: [{ code: '3061', message: gateMessages['3061'] }] });
