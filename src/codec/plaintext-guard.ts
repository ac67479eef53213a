/**
 * The worker's guard against payloads our codec did not encrypt (a foreign starter, the Temporal CLI without
 * --codec-endpoint). It sits after the encryption codec in the worker's converter, so it decodes first and
 * still sees the stored form: a payload not `binary/encrypted` is replaced by a refusal
 * (src/domain/plaintext-refusal.ts) that the workflow interceptor turns into a clean failure. Throwing here
 * instead would fail the workflow task and retry it for ever. CODEC_ALLOW_PLAINTEXT=true leaves it out.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { plaintextRefusalKey, plaintextRefusalReason } from '../domain/plaintext-refusal.js';
import { encryptedEncoding } from './encryption-codec.js';

const encodingOf = (payload: Payload): string =>
  payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString('utf8') : 'none';

export class PlaintextGuardCodec implements PayloadCodec {
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = encodingOf(payload);
      if (encoding === encryptedEncoding) return payload;
      const refusal = { [plaintextRefusalKey]: plaintextRefusalReason(encoding) };
      return {
        metadata: { encoding: Buffer.from('json/plain') },
        data: Buffer.from(JSON.stringify(refusal)),
      };
    });
  }
}
