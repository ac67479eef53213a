/** RBKmoney error bodies (400, 409, 422), read by ../errors.ts to classify an answer. */
import { z } from 'zod';

export const badRequestErrorTypes = [
  'SchemaViolated',
  'NotFound',
  'WrongType',
  'NotInRange',
  'WrongSize',
  'WrongLength',
  'WrongArray',
  'NoMatch',
  'InvalidResourceToken',
  'InvalidToken',
  'AmbiguousPartyID',
] as const;

/** `errorType` kept as a string so a type added later still classifies as a bad request. */
export const badRequestSchema = z.object({
  errorType: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
});
export type BadRequest = z.infer<typeof badRequestSchema>;

export const conflictRequestSchema = z.object({
  externalID: z.string().optional(),
  id: z.string().optional(),
  message: z.string().optional(),
});
export type ConflictRequest = z.infer<typeof conflictRequestSchema>;

/** 422 bodies of the wallet API (InvalidOperationParameters) and of payres (InvalidBankCard) alike. */
export const invalidOperationParametersSchema = z.object({ message: z.string().optional() });
