/** ecommpay clarification: the fields a payout `awaiting clarification` is asked for, and our answer's body. */
import { z } from 'zod';
import { isPlainObject, requestGeneralSchema } from './common.js';

/**
 * UNVERIFIED shape: `general` plus the requested values under `additional_data`, nested as in a payout body
 * (`{ customer: { first_name } }`). Only a third-party emulator shows the key; change it here alone.
 */
export const clarificationBodySchema = z.strictObject({
  general: requestGeneralSchema,
  additional_data: z.record(z.string(), z.unknown()),
});
export type ClarificationBody = z.infer<typeof clarificationBodySchema>;

export function buildClarificationRequest(
  projectId: number,
  paymentId: string,
  additionalData: Record<string, unknown>,
): ClarificationBody {
  return { general: { project_id: projectId, payment_id: paymentId }, additional_data: additionalData };
}

/**
 * Field names from `clarification_fields`, as dotted paths (`customer.first_name`). Accepts the legacy form
 * `{ avs_data: ['avs_post_code'] }`, the JSON-Schema-like form `{ customer: { type: 'object', properties:
 * { first_name: {...} } } }`, and plain lists of names.
 */
export function clarificationFieldNames(fields: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown, prefix: string): void => {
    const join = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
    if (typeof node === 'string') {
      names.push(join(node));
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, prefix);
    } else if (isPlainObject(node)) {
      const isSchema = typeof node.type === 'string' || 'properties' in node;
      if (isSchema) {
        if (isPlainObject(node.properties)) {
          for (const [name, child] of Object.entries(node.properties)) visit(asSchemaLeaf(child), join(name));
        } else if (prefix !== '') {
          names.push(prefix);
        }
        return;
      }
      for (const [name, child] of Object.entries(node)) {
        if (isPlainObject(child) || Array.isArray(child)) visit(child, join(name));
        else names.push(join(name));
      }
    }
  };
  visit(fields, '');
  return [...new Set(names)];
}

/** A property of a schema-like node: a schema itself (recursed into) or a bare value (a leaf). */
function asSchemaLeaf(child: unknown): unknown {
  return isPlainObject(child) ? { type: 'object', ...child } : { type: 'leaf' };
}
