// Swagger 2.0 schema objects as JSON Schema for ajv. What differs and is translated here:
// - `discriminator: p` (Swagger's polymorphism): the base validates, then the definition named by the value of
//   `p` is applied too. Subtypes refer to the base through `allOf`; they get the plain base, so no loop.
// - `readOnly` properties must not be sent: in request mode they are forbidden and not required.
// - POSIX classes in patterns (`[[:alpha:]]`), which JavaScript lacks, become Unicode property classes.
// - formats: date-time, int32, int64 and uri are checked; the others are annotations (`hexadecimal` on
//   Webhook.publicKey does not describe the base64 keys the provider sends; docs/PROVIDERS.md).
import type { JsonObject } from './bundle.js';

export type Mode = 'request' | 'response';

const posixClasses: Record<string, string> = {
  '[:alpha:]': '\\p{L}',
  '[:digit:]': '\\d',
  '[:alnum:]': '\\p{L}\\p{Nd}',
  '[:space:]': '\\s',
  '[:punct:]': '\\p{P}\\p{S}',
  '[:upper:]': '\\p{Lu}',
  '[:lower:]': '\\p{Ll}',
};

export function translatePattern(pattern: string): string {
  return pattern.replace(/\[:[a-z]+:\]/g, (name) => {
    const replacement = posixClasses[name];
    if (!replacement) throw new Error(`pattern ${pattern}: POSIX class ${name} is not translated`);
    return replacement;
  });
}

export const checkedFormats = ['date-time', 'int32', 'int64', 'uri'];

/** Keys with no bearing on validation, and Swagger-only keys handled elsewhere. */
const dropped = new Set(['description', 'example', 'title', 'externalDocs', 'discriminator', 'readOnly', 'xml']);

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One schema (and everything inside it) as JSON Schema; local refs point into the document `refBase`. */
export function translateSchema(schema: unknown, mode: Mode, refBase: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => translateSchema(item, mode, refBase));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (dropped.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.startsWith('#/') ? `${refBase}${value}` : value;
    } else if (key === 'pattern' && typeof value === 'string') {
      out.pattern = translatePattern(value);
    } else if (key === 'format') {
      if (typeof value === 'string' && checkedFormats.includes(value)) out.format = value;
    } else if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [
          name,
          // `false`: a read-only property present in a request fails, naming the property.
          mode === 'request' && isObject(property) && property.readOnly === true
            ? false
            : translateSchema(property, mode, refBase),
        ]),
      );
    } else if (key === 'required' && Array.isArray(value) && mode === 'request' && isObject(schema.properties)) {
      const properties = schema.properties;
      out.required = value.filter((name) => {
        const property = typeof name === 'string' ? properties[name] : undefined;
        return !(isObject(property) && property.readOnly === true);
      });
    } else {
      out[key] = translateSchema(value, mode, refBase);
    }
  }
  return out;
}

/**
 * All definitions of a document as JSON Schema, with Swagger's discriminators turned into dispatch: for a
 * base `B` with `discriminator: p`, `B` becomes "B__base and, when p is S, the definition S", and each
 * subtype's `allOf` entry `B` becomes `B__base`.
 */
export function translateDefinitions(definitions: Record<string, JsonObject>, mode: Mode, refBase: string) {
  const defs = structuredClone(definitions);
  const bases = Object.entries(defs).filter(([, schema]) => typeof schema.discriminator === 'string');
  for (const [base, schema] of bases) {
    const property = schema.discriminator as string;
    const baseRef = `#/definitions/${base}`;
    const subtypes = Object.entries(defs)
      .filter(([, candidate]) =>
        (Array.isArray(candidate.allOf) ? candidate.allOf : []).some((part) => isObject(part) && part.$ref === baseRef),
      )
      .map(([name, candidate]) => {
        candidate.allOf = (candidate.allOf as unknown[]).map((part) =>
          isObject(part) && part.$ref === baseRef ? { $ref: `${baseRef}__base` } : part,
        );
        return name;
      });
    defs[`${base}__base`] = schema;
    defs[base] = {
      allOf: [
        { $ref: `${baseRef}__base` },
        ...subtypes.map((name) => ({
          if: { properties: { [property]: { const: name } }, required: [property] },
          then: { $ref: `#/definitions/${name}` },
        })),
      ],
    };
  }
  return Object.fromEntries(
    Object.entries(defs).map(([name, schema]) => [name, translateSchema(schema, mode, refBase)]),
  ) as Record<string, unknown>;
}
