/**
 * Values quoted into a Temporal visibility query. Only ids, codes and ISO instants are allowed: anything
 * else is refused rather than escaped, so no value can change what a query asks.
 */
const quotable = /^[A-Za-z0-9_.:+-]+$/;

export function quoteQueryValue(value: string): string {
  if (!quotable.test(value)) throw new RangeError(`"${value}" cannot be used in a list filter`);
  return `'${value}'`;
}
