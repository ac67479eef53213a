// Starts one Temporal dev server (in memory, headless, free port, our search attributes) for every
// integration test file, through the same code path as `npm start`.
import path from 'node:path';
import { startDevServer, type DevServer } from '../../src/devstack/dev-server.js';
import { freePort } from '../../src/devstack/ports.js';
import { ensureTemporalCli } from '../../src/devstack/temporal-cli.js';

declare global {
  var __payoutsDevServer: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const cli = await ensureTemporalCli((line) => console.error(line));
  const server = await startDevServer({
    cliPath: cli.path,
    port: await freePort(),
    logFile: path.resolve('.data/test-temporal.log'),
  });
  globalThis.__payoutsDevServer = server;
  // Test workers are forked after this point and inherit the environment.
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_NAMESPACE = server.namespace;
  process.env.TEMPORAL_TEST_CLI_PATH = cli.path;
}
