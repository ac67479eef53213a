import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** failure-converter.ts next to this module in development and tests, its compiled twin when built. */
export function failureConverterPath(): string {
  const ts = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./failure-converter.js', import.meta.url));
}

/**
 * The one DataConverter of the worker, every client and the relay: payloads (inputs, results, signals,
 * updates, queries, memos, heartbeats) through the codec, and failures' messages and stack traces too.
 * The SDK takes the failure converter as a path because the workflow sandbox loads it from its bundle.
 */
export function payoutsDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: failureConverterPath() };
}
