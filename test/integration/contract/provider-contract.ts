/**
 * The provider contract suite: the scenarios every PayoutProvider must pass against its sandbox. A provider's
 * `<name>.contract.test.ts` starts its sandbox and callback receiver, fills a ContractFixture and calls
 * describeProviderContract. The suite knows only src/providers/contract.ts, the shared provider errors and
 * the sandbox's provider-neutral ledger endpoint (GET /sandbox/ledger).
 */
import { z } from 'zod';
import type { PayoutRequest } from '../../../src/domain/payout-request.js';
import type { PayoutProvider, ProviderStatus, SubmitInput, SubmitResult } from '../../../src/providers/contract.js';
import { InvalidPayoutRequestError, PayoutDeclinedError } from '../../../src/providers/errors.js';
import { ledgerEntrySchema } from '../../../src/sandbox/ledger.js';

export interface RawCallback {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface ContractFixture {
  provider: PayoutProvider;
  /** Base URL of the running sandbox. */
  sandboxUrl: string;
  /** Requests whose outcome the sandbox fixes; each for the payoutId given. */
  requests: {
    succeeding(payoutId: string): PayoutRequest;
    declining(payoutId: string): PayoutRequest;
    /** Fails provider.validate with (at least) a problem at each of `invalidPaths`. */
    invalid(payoutId: string): PayoutRequest;
    /** Passes validate, yet the provider refuses it as a bad request. Optional. */
    refused?(payoutId: string): PayoutRequest;
  };
  declineCode: string;
  invalidPaths: string[];
  /** What submit needs besides the request (RBKmoney: the bound destination). */
  prepare?(request: PayoutRequest): Promise<SubmitInput['prepared']>;
  /** Callbacks the test's receiver got so far, raw, in arrival order. */
  callbacks(): RawCallback[];
  close(): Promise<void>;
}

const ledgerAnswerSchema = z.object({ entries: z.array(ledgerEntrySchema) });

export function describeProviderContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`${name} provider contract`, () => {
    let fixture: ContractFixture;
    let sequence = 0;
    const newPayoutId = () => `contract-${Date.now().toString(36)}-${++sequence}`;
    const keyOf = (payoutId: string) => `${payoutId}-a1`;

    beforeAll(async () => {
      fixture = await setup();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    async function submit(request: PayoutRequest, idempotencyKey: string): Promise<SubmitResult> {
      const prepared = await fixture.prepare?.(request);
      return fixture.provider.submit({ request, idempotencyKey, ...(prepared ? { prepared } : {}) });
    }

    async function finalStatus(request: PayoutRequest, idempotencyKey: string): Promise<ProviderStatus> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const status = await fixture.provider.getStatus({ payoutId: request.payoutId, idempotencyKey });
        if (status.state !== 'pending' || Date.now() > deadline) return status;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    async function ledgerEntries(idempotencyKey: string) {
      const response = await fetch(`${fixture.sandboxUrl}/sandbox/ledger?provider=${fixture.provider.name}`);
      const { entries } = ledgerAnswerSchema.parse(await response.json());
      return entries.filter((entry) => entry.key === idempotencyKey);
    }

    test('a valid payout is accepted, then reported succeeded by status', async () => {
      const request = fixture.requests.succeeding(newPayoutId());
      const key = keyOf(request.payoutId);
      expect(fixture.provider.validate(request)).toEqual([]);
      await expect(submit(request, key)).resolves.toMatchObject({ outcome: 'accepted' });
      await expect(finalStatus(request, key)).resolves.toMatchObject({ state: 'succeeded' });
      const entries = await ledgerEntries(key);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ status: 'succeeded', amount: request.amount, currency: request.currency });
    });

    // A provider may answer a repeat as `duplicate` (ecommpay 3041) or hand back the existing object as if it
    // were created (RBKmoney, same externalID and parameters): both are safe, neither pays twice.
    test('the same idempotency key again is accepted or a duplicate, and the sandbox pays once', async () => {
      const request = fixture.requests.succeeding(newPayoutId());
      const key = keyOf(request.payoutId);
      const first = await submit(request, key);
      expect(first.outcome).toBe('accepted');
      const again = await submit(request, key);
      expect(['accepted', 'duplicate']).toContain(again.outcome);
      if (first.reference && again.reference) expect(again.reference).toBe(first.reference);
      await expect(finalStatus(request, key)).resolves.toMatchObject({ state: 'succeeded' });
      const entries = await ledgerEntries(key);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ status: 'succeeded', repeats: 1 });
    });

    test('the declining request ends declined with its code', async () => {
      const request = fixture.requests.declining(newPayoutId());
      const key = keyOf(request.payoutId);
      // A decline may come at once (thrown) or later (by status): both are the contract.
      const outcome = await submit(request, key).then(
        () => finalStatus(request, key),
        (error: unknown) => {
          if (error instanceof PayoutDeclinedError) return { state: 'declined', code: error.code };
          throw error;
        },
      );
      expect(outcome).toMatchObject({ state: 'declined', code: fixture.declineCode });
    });

    test('an invalid request is refused by validate, listing each problem, before anything is sent', async () => {
      const request = fixture.requests.invalid(newPayoutId());
      const paths = fixture.provider.validate(request).map((problem) => problem.path);
      expect(paths).toEqual(expect.arrayContaining(fixture.invalidPaths));
      expect(await ledgerEntries(keyOf(request.payoutId))).toEqual([]);
    });

    test('a request the provider refuses as malformed throws InvalidPayoutRequestError', async () => {
      if (!fixture.requests.refused) return;
      const request = fixture.requests.refused(newPayoutId());
      const key = keyOf(request.payoutId);
      await expect(submit(request, key)).rejects.toBeInstanceOf(InvalidPayoutRequestError);
      expect(await ledgerEntries(key)).toEqual([]);
    });

    test('a delivered callback parses to the payout event; a tampered copy is rejected', async () => {
      const request = fixture.requests.succeeding(newPayoutId());
      const key = keyOf(request.payoutId);
      await submit(request, key);
      const deadline = Date.now() + 20_000;
      let callback: RawCallback | undefined;
      while (!callback && Date.now() < deadline) {
        callback = fixture.callbacks().find((raw) => {
          const parsed = fixture.provider.parseCallback(raw.body, raw.headers);
          return parsed.ok && parsed.event?.idempotencyKey === key && parsed.event.status.state === 'succeeded';
        });
        if (!callback) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!callback) throw new Error(`no succeeded callback about ${key}`);
      const parsed = fixture.provider.parseCallback(callback.body, callback.headers);
      expect(parsed).toMatchObject({
        ok: true,
        event: { provider: fixture.provider.name, idempotencyKey: key, status: { state: 'succeeded' } },
      });

      const tampered = Buffer.from(callback.body.toString('utf8').replace(key, `${key}x`), 'utf8');
      expect(tampered.equals(callback.body)).toBe(false);
      expect(fixture.provider.parseCallback(tampered, callback.headers)).toMatchObject({
        ok: false,
        rejection: 'bad_signature',
      });
    });
  });
}
