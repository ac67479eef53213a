#!/usr/bin/env node
// The `payouts` command. Runs the built CLI (dist/cli/main.js) when it is newer than every source file;
// in a checkout without a fresh build it runs the TypeScript source through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const sourceDir = fileURLToPath(new URL('../src', import.meta.url));
const source = path.join(sourceDir, 'cli', 'main.ts');

/** The newest modification time under a directory (0 when it is absent, as in an installed package). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

if (existsSync(built) && statSync(built).mtimeMs >= newest(sourceDir)) {
  await import(built);
} else {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(source, import.meta.url);
}
