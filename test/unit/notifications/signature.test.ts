import { createHmac } from 'node:crypto';
import { signNotification, verifyNotification } from '../../../src/notifications/index.js';

const secret = 'merchant-shared-secret-0123456789abcdef';
const body = '{"id":"payout:p-1:succeeded:1","type":"payout.outcome"}';
const now = Date.parse('2026-11-26T12:00:00Z');
const t = Math.floor(now / 1000);

test('the header is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, as any receiver can compute it', () => {
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  expect(signNotification(body, secret, t)).toBe(`t=${t},v1=${expected}`);
});

test('a fresh, untouched notification verifies, from a string or the raw bytes', () => {
  const header = signNotification(body, secret, t);
  expect(verifyNotification({ body, header, secret, now })).toEqual({ ok: true, timestamp: t });
  expect(verifyNotification({ body: Buffer.from(body), header, secret, now }).ok).toBe(true);
});

test('a changed body, a wrong secret, or a missing or garbled header is refused', () => {
  const header = signNotification(body, secret, t);
  expect(verifyNotification({ body: body.replace('succeeded', 'declined'), header, secret, now })).toEqual({
    ok: false,
    reason: 'signature does not match',
  });
  expect(verifyNotification({ body, header, secret: `${secret}x`, now }).ok).toBe(false);
  expect(verifyNotification({ body, header: undefined, secret, now })).toMatchObject({ ok: false });
  expect(verifyNotification({ body, header: 'v1=abc', secret, now })).toEqual({
    ok: false,
    reason: 'malformed signature header',
  });
});

test('a replay outside the tolerance is refused even with a valid signature; the signed timestamp cannot be swapped', () => {
  const old = signNotification(body, secret, t - 301);
  expect(verifyNotification({ body, header: old, secret, now })).toEqual({
    ok: false,
    reason: 'timestamp outside the tolerance',
  });
  expect(verifyNotification({ body, header: old, secret, now, toleranceSeconds: 600 }).ok).toBe(true);
  const swapped = old.replace(`t=${t - 301}`, `t=${t}`);
  expect(verifyNotification({ body, header: swapped, secret, now }).ok).toBe(false);
});

test('while the secret rotates, either secret verifies', () => {
  const header = signNotification(body, 'new-secret-0123456789abcdef-0123456', t);
  expect(verifyNotification({ body, header, secret: [secret, 'new-secret-0123456789abcdef-0123456'], now }).ok).toBe(
    true,
  );
});
