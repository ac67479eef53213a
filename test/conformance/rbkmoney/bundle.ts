// Assembles one of the provider's split Swagger 2.0 specs into a single document. The layout is the one of
// its build tool: swagger.yaml holds everything but `paths` and `definitions`; `paths/a@{b}.yaml` is the
// path `/a/{b}`, `definitions/**/Name.yaml` is `#/definitions/Name`, and refs inside those files point into
// the assembled document (`#/definitions/...`). Some files are git symlinks checked out as text (their whole
// content is a relative path); they are followed. Swagger Parser reads every file and validates the result.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';

export type JsonObject = Record<string, unknown>;

export interface SwaggerDocument extends JsonObject {
  swagger: '2.0';
  basePath?: string;
  paths: Record<string, JsonObject>;
  definitions: Record<string, JsonObject>;
  parameters?: Record<string, JsonObject>;
  responses?: Record<string, JsonObject>;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

const symlinkText = /^\.{1,2}\/[^\n:]+\.yaml\s*$/;

/** The file a git symlink (checked out as a text file) points to; undefined when its target is absent. */
function followSymlinkText(file: string): string | undefined {
  let current = file;
  for (let hops = 0; hops < 8; hops++) {
    const text = readFileSync(current, 'utf8');
    if (!symlinkText.test(text)) return current;
    current = resolve(dirname(current), text.trim());
    if (!existsSync(current)) return undefined;
  }
  throw new Error(`${file}: symlink chain too long`);
}

function referencedDefinitions(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) referencedDefinitions(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/definitions/')) {
        found.add(child.slice('#/definitions/'.length));
      } else {
        referencedDefinitions(child, found);
      }
    }
  }
  return found;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pointer(document: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`x-rebillyMerge: only local refs are expected, got ${ref}`);
  let node: unknown = document;
  for (const key of ref.slice(2).split('/')) {
    const name = key.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) && Object.hasOwn(node, name) ? node[name] : undefined;
  }
  if (node === undefined) throw new Error(`x-rebillyMerge: ${ref} not found`);
  return node;
}

function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/**
 * The build tool's `x-rebillyMerge: [a, b, ...]`: each item (a `$ref` is replaced by what it points to) merged
 * into one object, later items winning, together with the node's other keys. Used for schemas and parameters.
 */
function resolveMerges(document: JsonObject): JsonObject {
  const resolve = (value: unknown, depth: number): unknown => {
    if (depth > 64) throw new Error('x-rebillyMerge: refs nested too deep (a cycle?)');
    if (Array.isArray(value)) return value.map((item) => resolve(item, depth));
    if (!isObject(value)) return value;
    const { 'x-rebillyMerge': merge, ...rest } = value;
    const own = Object.fromEntries(Object.entries(rest).map(([key, child]) => [key, resolve(child, depth)]));
    if (!Array.isArray(merge)) return own;
    const parts = (merge as unknown[]).map((item) => {
      const target = isObject(item) && typeof item.$ref === 'string' ? pointer(document, item.$ref) : item;
      return resolve(structuredClone(target), depth + 1) as JsonObject;
    });
    return parts.reduce<JsonObject>((merged, part) => deepMerge(merged, part), own);
  };
  return resolve(document, 0) as JsonObject;
}

export interface BundleOptions {
  /** Definitions whose file is missing from the snapshot (a symlink into a repository not included). */
  substitutes?: Record<string, JsonObject>;
}

export async function bundleSplitSpec(specDir: string, options: BundleOptions = {}): Promise<SwaggerDocument> {
  const rootFile = join(specDir, 'swagger.yaml');
  const root = (await SwaggerParser.parse(rootFile)) as unknown as JsonObject;

  const entries: Array<{ kind: 'path' | 'definition'; name: string; file?: string }> = [];
  for (const file of yamlFiles(join(specDir, 'paths'))) {
    entries.push({ kind: 'path', name: `/${basename(file, '.yaml').replaceAll('@', '/')}`, file });
  }
  for (const file of yamlFiles(join(specDir, 'definitions'))) {
    entries.push({ kind: 'definition', name: basename(file, '.yaml'), file: followSymlinkText(file) });
  }

  // Let the parser read and parse every file: refs from an extension key of the root, relative to it.
  const refs = Object.fromEntries(
    entries.flatMap((entry, i) => (entry.file ? [[`f${i}`, { $ref: relative(specDir, entry.file) }]] : [])),
  );
  const $refs = await new SwaggerParser().resolve(rootFile, { ...root, 'x-split-files': refs } as never, {});
  const contents = $refs.values() as Record<string, unknown>;

  const paths: Record<string, JsonObject> = {};
  const definitions: Record<string, JsonObject> = {};
  const missing: string[] = [];
  for (const entry of entries) {
    const target = entry.kind === 'path' ? paths : definitions;
    if (Object.hasOwn(target, entry.name)) throw new Error(`${specDir}: ${entry.kind} ${entry.name} defined twice`);
    const content = entry.file ? contents[entry.file] : options.substitutes?.[entry.name];
    if (content === undefined || content === null || typeof content !== 'object') {
      missing.push(entry.name);
      continue;
    }
    target[entry.name] = structuredClone(content) as JsonObject;
  }
  // Symlinks into repositories absent from the snapshot matter only when something refers to them.
  const referenced = referencedDefinitions({ root, paths, definitions });
  const needed = missing.filter((name) => referenced.has(name));
  if (needed.length > 0) throw new Error(`${specDir}: no content for ${needed.join(', ')}`);

  const document = resolveMerges({ ...root, paths, definitions }) as SwaggerDocument;
  // Structure and references checked by the parser (on a copy: it dereferences in place).
  await SwaggerParser.validate(structuredClone(document) as never);
  return document;
}
