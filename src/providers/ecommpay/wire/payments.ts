/** A payment as ecommpay reports it, in a status answer and in a callback alike: the payment and its operations. */
import { z } from 'zod';
import { maskPan, scrubCardNumbers } from '../../../domain/card.js';
import type { ReportedPayout } from '../../contract.js';
import { looseId, optionalText } from './common.js';

export const sumSchema = z.looseObject({ amount: z.number(), currency: z.string() });

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

export const paymentSchema = z.looseObject({
  id: looseId.optional(),
  type: optionalText,
  status: z.string(),
  date: optionalText,
  method: optionalText,
  sum: sumSchema.optional(),
  description: optionalText,
});

/** The card as the provider shows it (`400002******1488`); a full number, should one come, is masked. */
export const accountSchema = z
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
