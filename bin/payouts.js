#!/usr/bin/env node
// The `payouts` command. Runs the built CLI (dist/client/cli.js) when it is there and not older than the
// source; in a checkout without a fresh build it runs the TypeScript source through tsx.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const built = fileURLToPath(new URL('../dist/client/cli.js', import.meta.url));
const source = fileURLToPath(new URL('../src/client/cli.ts', import.meta.url));
const fresh = existsSync(built) && (!existsSync(source) || statSync(built).mtimeMs >= statSync(source).mtimeMs);

if (fresh) {
  await import(built);
} else {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(source, import.meta.url);
}
