// A local HTTP server that answers from a script and records what it was sent, for the adapter's tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ScriptedServer {
  baseUrl: string;
  seen: Seen[];
  /** Answers for the next requests, in order; a request beyond the script gets 500. */
  replies: Array<(request: Seen) => Reply>;
  reset(): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const state = { seen: [] as Seen[], replies: [] as Array<(request: Seen) => Reply> };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.seen.push(request);
      const reply = state.replies.shift()?.(request) ?? { status: 500 };
      // No keep-alive: a reused socket can meet the server's idle close on a slow machine (ECONNRESET).
      res.writeHead(reply.status, {
        'content-type': 'application/json; charset=utf-8',
        connection: 'close',
        ...reply.headers,
      });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get seen() {
      return state.seen;
    },
    get replies() {
      return state.replies;
    },
    reset() {
      state.seen = [];
      state.replies = [];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
