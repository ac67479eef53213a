/** RBKmoney withdrawals (`/wallet/v0/withdrawals`): one per payout, keyed by externalID, and their statuses. */
import { z } from 'zod';
import type { ProviderStatus } from '../../contract.js';
import { assetSchema, metadataSchema, scrubbed } from './common.js';

export interface WithdrawalFailure {
  code: string;
  subError?: WithdrawalFailure;
}
export const withdrawalFailureSchema: z.ZodType<WithdrawalFailure> = z.lazy(() =>
  z.object({ code: z.string(), subError: withdrawalFailureSchema.optional() }),
);

export const withdrawalStatuses = ['Pending', 'Succeeded', 'Failed'] as const;
export type WithdrawalStatus = (typeof withdrawalStatuses)[number];

export const withdrawalSchema = z.object({
  id: z.string().min(1),
  wallet: z.string(),
  destination: z.string(),
  body: assetSchema,
  fee: assetSchema.optional(),
  createdAt: z.string().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
  /** Kept as a string: a status we do not know maps to `unknown`, never to a parse failure (money may move). */
  status: z.string(),
  failure: withdrawalFailureSchema.optional(),
});
export type Withdrawal = z.infer<typeof withdrawalSchema>;

export const withdrawalParametersSchema = z.object({
  wallet: z.string().min(1),
  destination: z.string().min(1),
  body: z.object({
    amount: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
  externalID: z.string().min(1),
  metadata: metadataSchema.optional(),
  walletGrant: z.string().optional(),
  destinationGrant: z.string().optional(),
  quoteToken: z.string().optional(),
});
export type WithdrawalParameters = z.infer<typeof withdrawalParametersSchema>;

export interface CreateWithdrawalInput {
  externalID: string;
  walletID: string;
  destinationID: string;
  /** Minor units. */
  amount: number;
  currency: string;
  metadata?: Record<string, unknown>;
}

export function buildCreateWithdrawal(input: CreateWithdrawalInput): WithdrawalParameters {
  const params: WithdrawalParameters = {
    wallet: input.walletID,
    destination: input.destinationID,
    body: { amount: input.amount, currency: input.currency },
    externalID: input.externalID,
  };
  if (input.metadata) params.metadata = scrubbed(input.metadata) as Record<string, unknown>;
  return params;
}

const maxFailureDepth = 16;

/** `{code: a, subError: {code: b}}` -> `a:b`, the form fistful itself uses; `failed` when there is none. */
export function failureCode(failure: WithdrawalFailure | undefined): string {
  const codes: string[] = [];
  for (let f = failure; f && codes.length < maxFailureDepth; f = f.subError) codes.push(f.code);
  return codes.length > 0 ? codes.join(':') : 'failed';
}

export function withdrawalToProviderStatus(withdrawal: Withdrawal): ProviderStatus {
  const reference = withdrawal.id;
  // What the withdrawal holds, for the payout to check against what it sent.
  const amount = { value: withdrawal.body.amount, currency: withdrawal.body.currency };
  switch (withdrawal.status) {
    case 'Pending':
      return { state: 'pending', reference, amount };
    case 'Succeeded':
      return { state: 'succeeded', reference, amount };
    case 'Failed': {
      const code = failureCode(withdrawal.failure);
      return { state: 'declined', reference, code, message: `RBKmoney withdrawal failed: ${code}`, amount };
    }
    default:
      return {
        state: 'unknown',
        reference,
        reason: `RBKmoney withdrawal status "${withdrawal.status}" is not known`,
        amount,
      };
  }
}
