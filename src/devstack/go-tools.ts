/**
 * Go programs the local stacks need (the Temporal CLI, and for the PostgreSQL stack the Temporal server, its
 * SQL tool and the UI server), built once with `go install` at a pinned version and cached under
 * ~/.cache/payouts (XDG_CACHE_HOME moves it); a cached binary is never rebuilt.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCommandOrThrow } from './commands.js';

type Say = (line: string) => void;

export function cacheBase(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'payouts');
}

export function goBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
}

/**
 * Builds `pkg@version` with `go install` into `<cacheDir>/<name>`. The rename is atomic: a concurrent run
 * sees no binary or a whole one.
 */
export async function goInstall(name: string, pkg: string, version: string, cacheDir: string, say: Say) {
  const go = goBinary();
  if (!go) throw new Error(`${name}: not cached in ${cacheDir} and no Go toolchain to build ${pkg}@${version}`);
  const buildDir = `${cacheDir}.build-${process.pid}`;
  await mkdir(buildDir, { recursive: true });
  say(`${name}: building ${pkg}@${version} with go install (first time only, takes minutes)`);
  const started = Date.now();
  const target = path.join(cacheDir, name);
  try {
    await runCommandOrThrow(`go install ${pkg}@${version}`, go, ['install', `${pkg}@${version}`], {
      env: { ...process.env, GOBIN: buildDir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      inheritOutput: true,
    });
    await mkdir(cacheDir, { recursive: true });
    await rename(path.join(buildDir, path.basename(pkg)), target);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
  say(`${name}: built in ${Math.round((Date.now() - started) / 1000)} s, cached at ${target}`);
  return target;
}

/** The cached binary, or one built now. */
export async function cachedGoTool(name: string, pkg: string, version: string, cacheDir: string, say: Say) {
  const target = path.join(cacheDir, name);
  return existsSync(target) ? target : goInstall(name, pkg, version, cacheDir, say);
}
