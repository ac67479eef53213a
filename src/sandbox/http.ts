/** Small HTTP helpers for the sandbox server: request and reply shapes, JSON, body limit, path patterns. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface Reply {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export const jsonReply = (status: number, json: unknown, headers?: Record<string, string>): Reply => ({
  status,
  json,
  headers,
});

/** The body as JSON, or `{ ok: false }` when it is not JSON (each provider answers that its own way). */
export function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export const defaultBodyLimitBytes = 1024 * 1024;

export class BodyTooLarge extends Error {}

/** The request body, or a BodyTooLarge rejection once it passes `limit` bytes. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Params of a `/a/:name/b` pattern matched against a path, or undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const actual = got[index] ?? '';
    if (segment.startsWith(':')) {
      if (actual === '') return undefined;
      params[segment.slice(1)] = decodeURIComponent(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

export function send(response: ServerResponse, reply: Reply): void {
  const isText = reply.text !== undefined;
  const body = isText ? (reply.text ?? '') : JSON.stringify(reply.json ?? null);
  response.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(body),
    ...reply.headers,
  });
  response.end(body);
}
