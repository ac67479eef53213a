/**
 * Finds (or obtains, once) the Temporal CLI, which holds the dev server and the Web UI.
 *
 * Order: TEMPORAL_CLI_PATH, `temporal` on PATH, a binary cached by an earlier run, a `go install` build
 * of a pinned version, and last the SDK's own download (machines with internet access).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './commands.js';
import { cacheBase, goBinary, goInstall } from './go-tools.js';

/** Newer tags carry a replace directive in go.mod, which `go install pkg@version` refuses. */
export const PINNED_CLI_VERSION = 'v1.5.1';
const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export interface TemporalCli {
  path: string;
  version: string;
  source: 'env' | 'path' | 'cache' | 'go-install' | 'sdk-download';
}

type Say = (line: string) => void;

export function cliCacheDir(): string {
  return path.join(cacheBase(), `temporal-cli-${PINNED_CLI_VERSION}`);
}

/** `temporal --version` of a binary, or undefined when it does not run. */
export async function cliVersion(binary: string): Promise<string | undefined> {
  const result = await runCommand(binary, ['--version'], { timeoutMs: 30_000 });
  return result.code === 0 && !result.timedOut ? result.stdout.trim() : undefined;
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Lets the SDK download the CLI into our cache by starting (and stopping) one ephemeral server. */
async function downloadWithSdk(cacheDir: string, say: Say): Promise<string> {
  say('temporal-cli: no Go toolchain; trying the Temporal SDK download (needs internet access)');
  const downloadDir = path.join(cacheDir, 'sdk-download');
  await mkdir(downloadDir, { recursive: true });
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir, ttl: { days: 3650 } } },
  });
  await env.teardown();
  for (const entry of await readdir(downloadDir, { recursive: true })) {
    const file = path.join(downloadDir, entry.toString());
    if (path.basename(file).startsWith('temporal') && (await cliVersion(file))) return file;
  }
  throw new Error(`the SDK download finished but no temporal binary was found under ${downloadDir}`);
}

/** Returns a working Temporal CLI, obtaining it if needed. Never rebuilds when a working binary exists. */
export async function ensureTemporalCli(say: Say = (line) => console.error(line)): Promise<TemporalCli> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    const version = await cliVersion(fromEnv);
    if (!version) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} does not run (\`${fromEnv} --version\` failed)`);
    return { path: fromEnv, version, source: 'env' };
  }
  const fromPath = await onPath('temporal');
  if (fromPath) {
    const version = await cliVersion(fromPath);
    if (version) return { path: fromPath, version, source: 'path' };
  }
  const cacheDir = cliCacheDir();
  const cached = path.join(cacheDir, 'temporal');
  if (existsSync(cached)) {
    const version = await cliVersion(cached);
    if (version) return { path: cached, version, source: 'cache' };
    say(`temporal-cli: cached binary at ${cached} does not run; obtaining it again`);
  }
  if (goBinary()) {
    const built = await goInstall('temporal', CLI_MODULE, PINNED_CLI_VERSION, cacheDir, say);
    const version = await cliVersion(built);
    if (!version) throw new Error(`the freshly built ${built} does not run`);
    return { path: built, version, source: 'go-install' };
  }
  const downloaded = await downloadWithSdk(cacheDir, say);
  return { path: downloaded, version: (await cliVersion(downloaded)) ?? 'unknown', source: 'sdk-download' };
}
