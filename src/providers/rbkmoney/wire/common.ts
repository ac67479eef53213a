/**
 * What every RBKmoney resource's wire format shares: metadata, ids, amounts. Answers are parsed tolerantly
 * (read-only and later-added fields optional, unknown fields dropped); requests are built exactly. Field names
 * follow the provider. Sources and assumptions: docs/PROVIDERS.md, "RBKmoney".
 */
import { z } from 'zod';
import { scrubCardNumbers } from '../../../domain/card.js';

export const metadataSchema = z.record(z.string(), z.unknown());
/** Ids are strings in the spec; database-backed ones (webhooks, events) are tolerated as numbers too. */
export const idSchema = z.union([z.string().min(1), z.number().int().transform(String)]);

export const assetSchema = z.object({ amount: z.number().int(), currency: z.string() });
export type Asset = z.infer<typeof assetSchema>;

/** Metadata as sent: any card number in it scrubbed. */
export function scrubbed(value: unknown): unknown {
  if (typeof value === 'string') return scrubCardNumbers(value);
  if (Array.isArray(value)) return value.map(scrubbed);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, scrubbed(child)]));
  }
  return value;
}
