/** ecommpay error answers: the code, message and field any refused request carries; classified in ../errors.ts. */
import { z } from 'zod';
import { errorItemSchema, looseId, optionalText } from './common.js';

/** Any error answer, as tolerant as we can make it: every field optional. */
export const errorAnswerSchema = z.looseObject({
  status: optionalText,
  code: looseId.optional().catch(undefined),
  message: optionalText,
  errors: z.array(errorItemSchema).optional().catch(undefined),
});

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
