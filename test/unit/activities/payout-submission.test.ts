// PayoutWorkflowV3's one call: validate, then submit. What it returns decides whether the payout may say
// "nothing was sent", so each way out is pinned here.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPayoutActivities, type PreparedSubmission } from '../../../src/activities/payout.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import type { SubmitResult, ValidationProblem } from '../../../src/domain/provider-messages.js';
import type { PayoutProvider } from '../../../src/providers/contract.js';
import { PayoutDeclinedError, TransientProviderError } from '../../../src/providers/errors.js';
import { providerRegistry } from '../../../src/providers/registry.js';

const request = payoutRequestSchema.parse({
  payoutId: 'p-1',
  provider: 'ecommpay',
  amount: 100,
  currency: 'RUB',
  card: { pan: '4242424242424242' },
});
const idempotencyKey = 'payout-p-1';

interface FakeProvider {
  problems?: ValidationProblem[];
  submit?: () => Promise<SubmitResult>;
}

function activitiesWith(fake: FakeProvider | undefined, options: { merchantNotifications?: boolean } = {}) {
  const submitted: string[] = [];
  const provider = {
    validate: () => fake?.problems ?? [],
    submit: async (input: { idempotencyKey: string }) => {
      submitted.push(input.idempotencyKey);
      return (await fake?.submit?.()) ?? { outcome: 'accepted', reference: 'ref-1' };
    },
  } as unknown as PayoutProvider;
  const providers = providerRegistry(fake ? { ecommpay: () => provider } : {});
  const activities = createPayoutActivities(providers, {
    merchantNotifications: options.merchantNotifications ?? true,
  });
  return { activities, submitted };
}

async function prepareAndSubmit(
  activities: ReturnType<typeof activitiesWith>['activities'],
  attempt = 1,
): Promise<PreparedSubmission> {
  const environment = new MockActivityEnvironment({ attempt });
  return await environment.run(() => activities.prepareAndSubmitPayout({ request, idempotencyKey }));
}

test('a valid payout is submitted once, with its key, and the answer comes back', async () => {
  const { activities, submitted } = activitiesWith({}, { merchantNotifications: false });
  expect(await prepareAndSubmit(activities)).toEqual({
    problems: [],
    merchantNotifications: false,
    submitted: { outcome: 'accepted', reference: 'ref-1' },
  });
  expect(submitted).toEqual([idempotencyKey]);
});

test('problems on the first attempt: nothing is sent, and the problems come back', async () => {
  const problems = [{ path: 'card.pan', reason: 'not accepted by this provider' }];
  const { activities, submitted } = activitiesWith({ problems });
  expect(await prepareAndSubmit(activities)).toEqual({ problems, merchantNotifications: true });
  expect(submitted).toEqual([]);
});

test('problems on a later attempt are no refusal: an earlier attempt may have sent it', async () => {
  const problems = [{ path: 'amount', reason: 'above the cap' }];
  const { activities, submitted } = activitiesWith({ problems });
  const result = await prepareAndSubmit(activities, 2);
  expect(result.problems).toEqual([]);
  expect(result.submitted).toBeUndefined();
  expect(result.refused?.message).toContain('after an attempt that may have sent it: amount: above the cap');
  expect(result.refused?.details?.failureClass).toBe('unclassified');
  expect(submitted).toEqual([]);
});

test('a provider this worker cannot pay through: nothing sent, said as such on the first attempt only', async () => {
  const { activities } = activitiesWith(undefined);
  expect(await prepareAndSubmit(activities)).toMatchObject({
    problems: [],
    notSent: { details: { failureClass: 'systemic', code: 'config' } },
  });
  expect(await prepareAndSubmit(activities, 3)).toMatchObject({
    problems: [],
    refused: { details: { failureClass: 'unclassified' } },
  });
});

test("the provider's decline comes back as data; a transient failure is thrown, to be retried", async () => {
  const declined = activitiesWith({
    submit: () => Promise.reject(new PayoutDeclinedError('ecommpay', 'insufficient funds', '3104')),
  });
  expect(await prepareAndSubmit(declined.activities)).toMatchObject({
    problems: [],
    merchantNotifications: true,
    refused: { type: 'PayoutDeclined', details: { failureClass: 'declined', code: '3104' } },
  });
  expect(declined.submitted).toEqual([idempotencyKey]);

  const flaky = activitiesWith({ submit: () => Promise.reject(new TransientProviderError('ecommpay', 'gateway 502')) });
  await expect(prepareAndSubmit(flaky.activities)).rejects.toMatchObject({ type: 'ProviderTransient' });
});
