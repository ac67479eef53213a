/**
 * The providers' own pre-flight rules, the same the worker applies before sending: the client refuses what
 * the provider would refuse, before anything starts. Only pure rule modules are imported here (no HTTP, no
 * worker code), so the client stays light.
 */
import type { PayoutRequest, ProviderName } from '../domain/payout-request.js';
import type { ValidationProblem } from '../domain/provider-messages.js';
import { validate as ecommpayRules } from '../domain/scheme-rules/ecommpay.js';
import { validatePayout as rbkmoneyRules } from '../domain/scheme-rules/rbkmoney.js';

export type PayoutValidator = (request: PayoutRequest) => ValidationProblem[];

export interface ProviderValidationOptions {
  /** RBKMONEY wallet currency when known: payouts in another currency are refused. */
  rbkmoneyWalletCurrency?: string;
  now?: () => Date;
}

export function providerValidator(options: ProviderValidationOptions = {}): PayoutValidator {
  const now = options.now ?? (() => new Date());
  const rules: Record<ProviderName, PayoutValidator> = {
    ecommpay: (request) => ecommpayRules(request, { now: now() }),
    rbkmoney: (request) =>
      rbkmoneyRules(request, {
        now: now(),
        ...(options.rbkmoneyWalletCurrency ? { walletCurrency: options.rbkmoneyWalletCurrency } : {}),
      }),
  };
  return (request) => rules[request.provider](request);
}
