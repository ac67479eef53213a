// A merchant backend for tests: verifies each notification's signature as a receiver should, answers 200
// (or nothing at all while "down"), and keeps every request it saw.
import { createServer, type Server } from 'node:http';
import { freePort } from '../../../src/devstack/ports.js';
import {
  eventIdHeader,
  type MerchantNotification,
  signatureHeader,
  verifyNotification,
} from '../../../src/notifications/index.js';

export const receiverSecret = 'test-merchant-notification-secret-0123456789';

export interface ReceivedNotification {
  eventId: string;
  body: string;
  notification: MerchantNotification;
  signatureValid: boolean;
  signature: string;
  receivedAt: number;
}

export interface TestReceiver {
  url: string;
  received: ReceivedNotification[];
  /** The requests that carried this event id. */
  deliveries(eventId: string): ReceivedNotification[];
  /** Stops listening (connections refused) until up() is called. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const port = await freePort();
  const received: ReceivedNotification[] = [];
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const raw = Buffer.concat(chunks);
          const signature = String(request.headers[signatureHeader.toLowerCase()] ?? '');
          const verified = verifyNotification({ body: raw, header: signature, secret: receiverSecret });
          received.push({
            eventId: String(request.headers[eventIdHeader.toLowerCase()]),
            body: raw.toString('utf8'),
            notification: JSON.parse(raw.toString('utf8')) as MerchantNotification,
            signatureValid: verified.ok,
            signature,
            receivedAt: Date.now(),
          });
          response.writeHead(verified.ok ? 200 : 400).end();
        });
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}/payouts/notifications`,
    received,
    deliveries: (eventId) => received.filter((item) => item.eventId === eventId),
    down: stop,
    up: listen,
    close: stop,
  };
}
