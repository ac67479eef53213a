// `payouts/client` must load in a service that has no worker: follow every runtime import from the client's
// entry point and make sure none reaches worker, activity, provider, CLI or sandbox code.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const entry = path.resolve('src/client/index.ts');

/** Runtime (non-type) import specifiers of a TypeScript module. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    if (!match[1]) specifiers.push(match[2] as string);
  }
  return specifiers;
}

function closure(start: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (!specifier.startsWith('.')) {
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? ''),
        );
        continue;
      }
      const resolved = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
      if (existsSync(resolved)) queue.push(resolved);
    }
  }
  return { files, packages };
}

test('the client library pulls in no worker code', () => {
  const { files, packages } = closure(entry);
  const relative = [...files].map((file) => path.relative(process.cwd(), file));
  expect(relative.filter((file) => /^src\/(worker|activities|sandbox|webhooks|devstack)\//.test(file))).toEqual([]);
  // The providers' pre-flight rules the client runs live in src/domain/scheme-rules; the CLI is a user of the library.
  expect(relative.filter((file) => /^src\/(providers|cli)\//.test(file))).toEqual([]);
  expect([...packages].filter((name) => ['@temporalio/worker', 'got', 'pino', 'commander'].includes(name))).toEqual([]);
  expect(relative).toContain('src/client/payouts-client.ts');
});
