/** RBKmoney identities (`/wallet/v0/identities`): the owner of our wallet and destinations. */
import { z } from 'zod';
import { metadataSchema } from './common.js';

export const identitySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  provider: z.string(),
  createdAt: z.string().optional(),
  isBlocked: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  externalID: z.string().optional(),
  partyID: z.string().optional(),
});
export type Identity = z.infer<typeof identitySchema>;
export interface IdentityParams {
  name: string;
  provider: string;
  /** Required by the specs before Nov 2021 and sent by the provider's guide (`person`). */
  class?: string;
  externalID?: string;
  metadata?: Record<string, unknown>;
}
