/** The body of an ecommpay callback; verified and mapped in ../callbacks.ts. */
import { z } from 'zod';
import { errorItemSchema, looseId } from './common.js';
import { accountSchema, operationSchema, paymentSchema } from './payments.js';

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
