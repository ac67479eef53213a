/**
 * The JSON Schemas other-language clients code against, generated from the zod schemas (the single source of
 * truth). The files in schemas/ are their committed copies; test/unit/client/schemas.test.ts fails when the
 * two drift and rewrites them with UPDATE_SCHEMAS=1.
 */
import { z } from 'zod';
import { payoutOutcomeSchema } from '../domain/payout-outcome.js';
import { payoutRequestSchema } from '../domain/payout-request.js';
import {
  batchOptionsSchema,
  batchProgressSchema,
  batchResultSchema,
  reportRowSchema,
} from '../workflows/batch/schemas.js';

/** PayoutWorkflow's argument as other clients send it (`timings` is a test hook and left out). */
export const payoutWorkflowInputSchema = z.object({
  request: payoutRequestSchema,
  /** 1 unless an earlier attempt was definitely declined. */
  attempt: z.number().int().positive().optional(),
});

interface Entry {
  schema: z.ZodType;
  /** Inputs are described as a client writes them (defaults optional); outputs as they arrive. */
  io: 'input' | 'output';
  title: string;
}

export const jsonSchemaEntries: Record<string, Entry> = {
  'payout-request': { schema: payoutRequestSchema, io: 'input', title: 'PayoutRequest' },
  'payout-workflow-input': { schema: payoutWorkflowInputSchema, io: 'input', title: 'PayoutWorkflow input' },
  'payout-outcome': { schema: payoutOutcomeSchema, io: 'output', title: 'PayoutOutcome' },
  'batch-options': { schema: batchOptionsSchema, io: 'input', title: 'BatchWorkflow options' },
  'batch-progress': { schema: batchProgressSchema, io: 'output', title: 'BatchWorkflow progress query' },
  'batch-result': { schema: batchResultSchema, io: 'output', title: 'BatchWorkflow result' },
  'batch-report-row': { schema: reportRowSchema, io: 'output', title: 'Batch report row' },
};

/**
 * zod writes the JavaScript safe-integer range (Number.MAX_SAFE_INTEGER) as the bound of every integer. It says
 * nothing a client needs (amounts stay far below it), and a 16-digit literal reads like a card number to
 * every scanner that looks for one; the bounds we set ourselves are kept.
 */
function dropSafeIntegerBounds({ jsonSchema }: { jsonSchema: Record<string, unknown> }): void {
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

/** The file content for one schema: stable key order and a trailing newline, as committed. */
export function jsonSchemaText(name: string): string {
  const entry = jsonSchemaEntries[name];
  if (!entry) throw new RangeError(`no JSON Schema named ${name}`);
  const generated = z.toJSONSchema(entry.schema, { io: entry.io, override: dropSafeIntegerBounds });
  return `${JSON.stringify({ $id: `payouts/${name}.schema.json`, title: entry.title, ...generated }, null, 2)}\n`;
}
