// Prints the path and version of the Temporal CLI, obtaining it first if needed (used by CI and by hand).
import { ensureTemporalCli } from '../src/devstack/temporal-cli.js';

try {
  const cli = await ensureTemporalCli();
  console.log(`${cli.path}\n${cli.version} (${cli.source})`);
} catch (err) {
  console.error(`temporal-cli: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
