/**
 * ecommpay Gate in the sandbox: the payout endpoints (card, token, P2P), the status request and the
 * clarification request, at the paths the provider's documents give. Every request is checked
 * the way the doc says Gate does first: project, signature, required fields; then handled.
 */
import type { EcommpaySandboxSettings } from '../config.js';
import type { SandboxProviderFactory } from '../provider-module.js';
import { parseJsonBody, type Reply, type Route, type SandboxRequest } from '../server.js';
import { errorReply } from './answers.js';
import { EcommpayPayouts } from './payouts.js';
import {
  authenticate,
  cardPayoutSchema,
  clarificationRequestSchema,
  parseFields,
  statusRequestSchema,
  tokenPayoutSchema,
  visaNeedsBirthDate,
} from './requests.js';

const provider = 'ecommpay';

export function ecommpaySandbox(settings: EcommpaySandboxSettings): SandboxProviderFactory {
  return (context) => {
    const payouts = new EcommpayPayouts(context, settings);
    const { projectId, secretKey } = settings;

    /** JSON, project and signature; then `handle` with the checked body. */
    const gate =
      (handle: (body: Record<string, unknown>) => Reply) =>
      (request: SandboxRequest): Reply => {
        const json = parseJsonBody(request.body);
        if (!json.ok) return errorReply([{ field: '', code: '2003' }]);
        const auth = authenticate(json.value, projectId, secretKey);
        if (!auth.ok) return errorReply([auth.error], { paymentId: auth.paymentId });
        return handle(auth.body);
      };

    const payoutByCard = gate((body) => {
      const parsed = parseFields(cardPayoutSchema, body, [visaNeedsBirthDate]);
      if (!parsed.ok) return errorReply(parsed.errors, idsOf(body));
      const { general, card, customer, payment, callback } = parsed.data;
      return payouts.submit({
        paymentId: general.payment_id,
        amount: payment.amount,
        currency: payment.currency,
        card: { pan: card.pan },
        customerId: customer.id,
        description: payment.description,
        callbackUrl: general.merchant_callback_url,
        callbackDelaySeconds: callback?.delay,
      });
    });

    const payoutByToken = gate((body) => {
      const parsed = parseFields(tokenPayoutSchema, body);
      if (!parsed.ok) return errorReply(parsed.errors, idsOf(body));
      const { general, token, customer, payment, callback } = parsed.data;
      return payouts.submit({
        paymentId: general.payment_id,
        amount: payment.amount,
        currency: payment.currency,
        card: { token },
        customerId: customer.id,
        description: payment.description,
        callbackUrl: general.merchant_callback_url,
        callbackDelaySeconds: callback?.delay,
      });
    });

    const status = gate((body) => {
      const parsed = parseFields(statusRequestSchema, body);
      if (!parsed.ok) return errorReply(parsed.errors, idsOf(body));
      return payouts.status(parsed.data.general.payment_id);
    });

    const clarification = gate((body) => {
      const parsed = parseFields(clarificationRequestSchema, body);
      if (!parsed.ok) return errorReply(parsed.errors, idsOf(body));
      return payouts.clarify(parsed.data.general.payment_id, parsed.data.additional_data);
    });

    // Paths written from the documents, never taken from the adapter, so that a wrong path there is a 404:
    // payouts from the payout doc (/work/shared/seeds/ecommpay-gate-payouts.ru.md), the status request from
    // reference/ecommpay.md Part 2 §2, the clarification from its §3 (a third-party emulator's route: likely).
    const create = (path: string, handle: Route['handle']): Route => ({
      method: 'POST',
      path,
      kind: 'create',
      provider,
      handle,
    });
    const query = (path: string, handle: Route['handle']): Route => ({
      method: 'POST',
      path,
      kind: 'query',
      provider,
      handle,
    });
    const routes: Route[] = [
      create('/v2/payment/card/payout', payoutByCard),
      create('/v2/payment/individual/payout', payoutByCard),
      create('/v2/payment/card/payout/token', payoutByToken),
      query('/v2/payment/status', status),
      // Not a create for the time-out knob: a lost answer to a clarification is not a payout paid unseen.
      query('/v2/payment/clarification', clarification),
    ];

    return {
      name: provider,
      routes,
      reset: () => payouts.reset(),
      resume: () => payouts.resume(),
    };

    function idsOf(body: Record<string, unknown>): { projectId: number; paymentId?: string } {
      const general = body.general as Record<string, unknown>;
      return { projectId, paymentId: typeof general.payment_id === 'string' ? general.payment_id : undefined };
    }
  };
}
