/**
 * Answering an ecommpay clarification request from the payout itself: each requested field is read from the
 * payout body we would send (under its own name or a legacy alias) and written, nested, into
 * `additional_data`. Only the names of missing fields are reported, never a value.
 */
import type { PayoutBody } from './wire/payouts.js';

/**
 * Where a requested field is found in the payout body when the name differs: the legacy AVS names ask for
 * the recipient's (our customer's) postal code and street address.
 */
const clarificationAliases: Record<string, string[]> = {
  'avs_data.avs_post_code': ['customer.zip', 'customer.billing.postal'],
  'avs_data.avs_street_address': ['customer.address', 'customer.billing.address'],
};

const aliasesOf = (field: string): string[] =>
  Object.hasOwn(clarificationAliases, field) ? (clarificationAliases[field] ?? []) : [];

const fieldName = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
const unsafeKeys = new Set(['__proto__', 'prototype', 'constructor']);

/** A dotted field name we can look up and write without touching object prototypes. */
const usableFieldName = (field: string) =>
  fieldName.test(field) && !field.split('.').some((key) => unsafeKeys.has(key)) && !field.startsWith('general.');

function readPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[last] = value;
}

const isScalar = (value: unknown): value is string | number | boolean =>
  (typeof value === 'string' && value.trim() !== '') || typeof value === 'number' || typeof value === 'boolean';

export interface ClarificationValues {
  /** The requested values, nested by their dotted names (`{ customer: { first_name } }`). */
  additionalData: Record<string, unknown>;
  /** Requested fields the payout does not carry (or names we refuse to look up). */
  missing: string[];
}

export function clarificationValues(body: PayoutBody, fields: readonly string[]): ClarificationValues {
  const additionalData: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const field of fields) {
    const value = usableFieldName(field)
      ? [field, ...aliasesOf(field)].map((path) => readPath(body, path)).find(isScalar)
      : undefined;
    if (value === undefined) missing.push(field);
    else writePath(additionalData, field, value);
  }
  return { additionalData, missing };
}
