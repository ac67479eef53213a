import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('test', { level: 'info', destination }) };
}

test('card numbers never reach a log line, wherever they are', () => {
  const { lines, logger } = capture();
  logger.info({ pan: '4242424242424242', note: 'card 5555555555554444' }, 'paying 4111111111111111');
  logger.error({ err: new Error('declined for 4242424242424242') }, 'failed');
  const text = lines.join('');
  expect(text).not.toMatch(/4242424242424242|5555555555554444|4111111111111111/);
  expect(text).toContain('555555******4444');
  expect(text).toContain('411111******1111');
  expect(text).toContain('[redacted]');
});

test('secrets are redacted by key, also when nested', () => {
  const { lines, logger } = capture();
  logger.info({ provider: { secretKey: 'top-secret', apiKey: 'api-123' }, card: { cvv: '123' } }, 'configured');
  const text = lines.join('');
  expect(text).not.toContain('top-secret');
  expect(text).not.toContain('api-123');
  expect(text).not.toContain('"123"');
});
