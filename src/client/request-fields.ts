/**
 * The dotted field paths of a PayoutRequest (`customer.first_name`, `card.expMonth`, `metadata.<key>`) and
 * what each holds, read from the zod schema itself: a CSV column is checked against the schema, never against
 * a second list that could drift from it.
 */
import type { z } from 'zod';
import { payoutRequestSchema } from '../domain/payout-request.js';

export type FieldKind = 'string' | 'integer' | 'enum' | 'record';

interface SchemaNode {
  def: { type: string; innerType?: SchemaNode };
  shape?: Record<string, SchemaNode>;
  options?: SchemaNode[];
}

function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while ((current.def.type === 'optional' || current.def.type === 'default') && current.def.innerType) {
    current = current.def.innerType;
  }
  return current;
}

function walk(node: SchemaNode, prefix: string, out: Map<string, FieldKind>): void {
  const inner = unwrap(node);
  switch (inner.def.type) {
    case 'object':
      for (const [key, child] of Object.entries(inner.shape ?? {})) walk(child, prefix ? `${prefix}.${key}` : key, out);
      return;
    case 'union':
      for (const option of inner.options ?? []) walk(option, prefix, out);
      return;
    case 'record':
      out.set(prefix, 'record');
      return;
    case 'number':
      out.set(prefix, 'integer');
      return;
    case 'enum':
      out.set(prefix, 'enum');
      return;
    default:
      out.set(prefix, 'string');
  }
}

let cached: Map<string, FieldKind> | undefined;

/** Every leaf path of PayoutRequest with its kind; records (metadata) appear once, as their own path. */
export function requestFieldKinds(): ReadonlyMap<string, FieldKind> {
  if (!cached) {
    cached = new Map();
    walk(payoutRequestSchema as unknown as SchemaNode & z.ZodType, '', cached);
  }
  return cached;
}

/** The kind of a dotted path, `metadata.<key>` included; undefined for a path the schema does not have. */
export function fieldKindOf(path: string): FieldKind | undefined {
  const kinds = requestFieldKinds();
  const direct = kinds.get(path);
  if (direct) return direct === 'record' ? undefined : direct;
  const dot = path.indexOf('.');
  if (dot > 0 && kinds.get(path.slice(0, dot)) === 'record' && path.length > dot + 1) return 'string';
  return undefined;
}

/** Sets `value` at a dotted path, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}
