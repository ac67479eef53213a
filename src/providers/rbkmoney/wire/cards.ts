/** RBKmoney card tokenization (payres, `/payres/v0/bank-cards`): the only request with a card number. */
import { z } from 'zod';

// The card tokenization request is also a pre-flight rule, so it lives with the rules; its home is domain/.
export {
  bankCardProblems,
  bankCardSchema,
  buildStoreBankCard,
  formatExpDate,
  type BankCard,
} from '../../../domain/scheme-rules/rbkmoney-card.js';

/** `paymentSystem` left the spec in 2020 and `validUntil` is absent from later forks: both optional. */
export const storeBankCardResponseSchema = z.object({
  token: z.string().min(1),
  bin: z.string().optional(),
  lastDigits: z.string().optional(),
  paymentSystem: z.string().optional(),
  authData: z.string().optional(),
  validUntil: z.string().optional(),
});
export type StoreBankCardResponse = z.infer<typeof storeBankCardResponseSchema>;
