/**
 * The provider-side idempotency key (ecommpay payment_id, RBKmoney externalID) of one attempt: the first uses
 * the payoutId itself; a later attempt, made only after the previous one was definitely declined, its own.
 */
export function idempotencyKeyFor(payoutId: string, attempt: number): string {
  return attempt === 1 ? payoutId : `${payoutId}.a${attempt}`;
}

/** The payoutId an idempotency key belongs to; "." never occurs in a payoutId, so this is unambiguous. */
export function payoutIdOfKey(idempotencyKey: string): string {
  const dot = idempotencyKey.indexOf('.');
  return dot === -1 ? idempotencyKey : idempotencyKey.slice(0, dot);
}
