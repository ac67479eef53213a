/**
 * A small HTTP server standing in for the webhook relay in tests: it records every callback it receives
 * (raw body and headers, in arrival order) and answers with a status the test chooses.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { freePort } from '../../../src/devstack/ports.js';

export interface ReceivedCallback {
  body: Buffer;
  headers: IncomingHttpHeaders;
  path: string;
  at: number;
}

export interface CallbackReceiver {
  /** Base URL; any path is accepted (give `${url}/webhooks/ecommpay`, say). */
  url: string;
  readonly received: ReceivedCallback[];
  /** The HTTP status for the n-th callback (1-based); 200 by default. */
  answerWith(status: (n: number) => number): void;
  /** Resolves with the first received callback (earlier or later) that matches, or rejects after timeoutMs. */
  waitFor(matches: (callback: ReceivedCallback) => boolean, timeoutMs?: number): Promise<ReceivedCallback>;
  clear(): void;
  close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let statusFor: (n: number) => number = () => 200;
  let count = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks),
        headers: request.headers,
        path: request.url ?? '/',
        at: Date.now(),
      });
      response.writeHead(statusFor(++count)).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerWith(status) {
      statusFor = status;
    },
    async waitFor(matches, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(matches);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching callback within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    clear() {
      received.length = 0;
      count = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
