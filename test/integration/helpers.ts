import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

export interface TestServer {
  address: string;
  namespace: string;
  cliPath: string;
}

export type TemporalTarget = Pick<TestServer, 'address' | 'namespace'>;

export function testServer(): TestServer {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  const namespace = process.env.TEMPORAL_TEST_NAMESPACE;
  const cliPath = process.env.TEMPORAL_TEST_CLI_PATH;
  if (!address || !namespace || !cliPath) throw new Error('integration globalSetup did not run');
  return { address, namespace, cliPath };
}

/** A task queue of its own for each test file, so that files running in parallel never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface TestConnections {
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

let quiet = false;

/** The SDK's own logs at WARN: a failing test's output stays readable. */
function quietSdkLogs(): void {
  if (quiet) return;
  quiet = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A runtime already exists in this module registry; its logger stays.
  }
}

/** Connections to the shared dev server, or to `server` (a test that runs one of its own, e.g. with the UI). */
export async function connect(server: TemporalTarget = testServer()): Promise<TestConnections> {
  quietSdkLogs();
  const { address, namespace } = server;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace }),
    nativeConnection,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
