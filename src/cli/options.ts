/** Parsers of option values: a bad value is refused by commander with the reason, exit 2. */
import { InvalidArgumentError } from 'commander';
import { isProviderName } from '../client/batch-file.js';
import type { ProviderName } from '../domain/payout-request.js';

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return number;
}

export function providerOption(value: string): ProviderName {
  if (!isProviderName(value)) throw new InvalidArgumentError('must be ecommpay or rbkmoney');
  return value;
}

export function instantOption(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('must be a date and time, e.g. 2030-01-31T09:00:00+03:00');
  return new Date(ms).toISOString();
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** An id or code a list filter may hold: letters, digits, `_`, `-`, `.`, `:`. */
export function filterValueOption(value: string): string {
  if (!/^[A-Za-z0-9_.:-]+$/.test(value)) throw new InvalidArgumentError('letters, digits, "_", "-", "." and ":" only');
  return value;
}
