/**
 * The codec server protocol's body: a Payloads message as proto3 JSON, `{"payloads":[{"metadata":{...},"data":
 * "..."}]}`, every bytes field (data and each metadata value) base64, standard or URL-safe alphabet.
 */
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

const bytes = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadSchema = z.object({
  metadata: z.record(z.string(), bytes).nullish(),
  data: bytes.nullish(),
});
const payloadsSchema = z.object({ payloads: z.array(payloadSchema).nullish() });

export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

export function payloadsFromJson(body: string): Payload[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WireFormatError('the body is not JSON');
  }
  const parsed = payloadsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WireFormatError(`the body is not a Payloads message: ${issue?.path.join('.')} ${issue?.message}`);
  }
  return (parsed.data.payloads ?? []).map((payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data ?? '', 'base64'),
  }));
}

export function payloadsToJson(payloads: Payload[]): string {
  return JSON.stringify({
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(
        Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
      ),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  });
}
