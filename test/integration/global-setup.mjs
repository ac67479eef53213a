// Jest loads global setup outside its module mapper, so the TypeScript sources (imported with .js
// suffixes) are loaded through tsx here. Test workers are forked afterwards and inherit the environment.
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startTestServer } = await tsImport('./test-server.ts', import.meta.url);
  const { server, cliPath } = await startTestServer();
  globalThis.__payoutsDevServer = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_NAMESPACE = server.namespace;
  process.env.TEMPORAL_TEST_CLI_PATH = cliPath;
  // The run's card key (no process has a stand-in): workers, clients and the CLI runs all inherit it.
  process.env.CARD_FINGERPRINT_KEY ??= randomBytes(32).toString('hex');
}
