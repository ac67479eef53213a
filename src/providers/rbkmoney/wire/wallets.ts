/** RBKmoney wallets (`/wallet/v0/wallets`) and their accounts: what payouts are paid from. */
import { z } from 'zod';
import { assetSchema, metadataSchema } from './common.js';

export const walletSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  identity: z.string(),
  currency: z.string(),
  createdAt: z.string().optional(),
  isBlocked: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
});
export type Wallet = z.infer<typeof walletSchema>;
export interface WalletParams {
  name: string;
  identity: string;
  currency: string;
  externalID?: string;
  metadata?: Record<string, unknown>;
}

export const walletAccountSchema = z.object({ own: assetSchema, available: assetSchema });
export type WalletAccount = z.infer<typeof walletAccountSchema>;
