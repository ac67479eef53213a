/**
 * A payload that reached the worker without the payouts codec's encryption is replaced, before any workflow
 * code sees it, by a refusal: an object with this one key and the reason (src/codec/plaintext-guard.ts). The
 * workflow interceptor (src/workflows/interceptors.ts) refuses an input, signal or update that carries one.
 * Pure, no imports: the workflow bundle uses it.
 */
export const plaintextRefusalKey = '$payoutsPlaintextRefused';

export const plaintextRefusalReason = (encoding: string): string =>
  `payload not encrypted by the payouts codec (encoding "${encoding}"): refused, nothing was done with it. ` +
  'Start and signal payouts through the payouts data converter (docs/CLIENTS.md, "Encryption"), or set ' +
  'CODEC_ALLOW_PLAINTEXT=true on the workers while migrating';

/** The refusal's reason when any of `args` is a refused payload. */
export function plaintextRefusalIn(args: readonly unknown[]): string | undefined {
  for (const arg of args) {
    if (arg !== null && typeof arg === 'object' && plaintextRefusalKey in arg) {
      const reason = (arg as Record<string, unknown>)[plaintextRefusalKey];
      return typeof reason === 'string' ? reason : plaintextRefusalReason('unknown');
    }
  }
  return undefined;
}
