// The Temporal dev server shared by every integration test file (in memory, headless, free port, our search
// attributes), started through the same code path as `npm start`. Loaded by global-setup.mjs.
import path from 'node:path';
import { startDevServer, type DevServer } from '../../src/devstack/dev-server.js';
import { freePort } from '../../src/devstack/ports.js';
import { Supervisor } from '../../src/devstack/supervisor.js';
import { ensureTemporalCli } from '../../src/devstack/temporal-cli.js';

export interface TestServer {
  server: DevServer;
  cliPath: string;
}

export async function startTestServer(): Promise<TestServer> {
  const cli = await ensureTemporalCli((line) => console.error(line));
  const logFile = path.resolve('.data/test-temporal.log');
  // A server that dies under the tests says so, instead of leaving every later test to time out unexplained.
  const supervisor = new Supervisor({
    logDir: path.dirname(logFile),
    onUnexpectedExit: (_, how) => console.error(`the shared Temporal dev server exited (${how}); see ${logFile}`),
  });
  const server = await startDevServer({ cliPath: cli.path, port: await freePort(), logFile, supervisor });
  return { server, cliPath: cli.path };
}
