/**
 * `--env-file <path>` and a `.env` in the working directory: KEY=value lines put into the environment before
 * the configuration is read. Variables already set win (as with node's --env-file). A small parser of our own:
 * process.loadEnvFile exists only from Node 20.12, and the engines allow 20.3.
 */
import { existsSync, readFileSync } from 'node:fs';

/** KEY=value pairs: `#` comments, blank lines, an optional `export `, single or double quotes around a value. */
export function parseEnvText(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest = ''] = match;
    const quoted = /^(["'])(.*)\1$/.exec(rest);
    let value = quoted ? (quoted[2] ?? '') : rest.replace(/\s+#.*$/, '').trim();
    if (quoted?.[1] === '"') value = value.replace(/\\n/g, '\n');
    values[key as string] = value;
  }
  return values;
}

/** The `--env-file` path given on the command line (either `--env-file x` or `--env-file=x`). */
export function envFileArgument(argv: readonly string[]): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--env-file') return argv[index + 1];
    if (arg.startsWith('--env-file=')) return arg.slice('--env-file='.length);
  }
  return undefined;
}

/**
 * Loads the file named by `--env-file`, else `.env` when present; returns the file read, if any. A named file
 * that is missing throws: the operator asked for it.
 */
export function loadEnvFile(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  defaultFile = '.env',
): string | undefined {
  const named = envFileArgument(argv);
  const file = named ?? (existsSync(defaultFile) ? defaultFile : undefined);
  if (!file) return undefined;
  for (const [key, value] of Object.entries(parseEnvText(readFileSync(file, 'utf8')))) env[key] ??= value;
  return file;
}
