/** The sandbox's own endpoints under /sandbox/: ledger, reset, fault knobs, statistics, health. */
import { z } from 'zod';
import { providerNameSchema, type ProviderName } from '../domain/payout-request.js';
import type { CallbackDispatcher } from './callbacks.js';
import { faultPatchSchema, type Faults } from './faults.js';
import type { Ledger } from './ledger.js';
import { jsonReply, parseJsonBody, type Route } from './server.js';

const settleRequestSchema = z.object({
  provider: providerNameSchema,
  key: z.string().min(1),
  status: z.enum(['succeeded', 'declined']),
  code: z.string().min(1).optional(),
  message: z.string().min(1).optional(),
});

export interface ControlDeps {
  ledger: Ledger;
  faults: Faults;
  callbacks: CallbackDispatcher;
  providers: readonly ProviderName[];
  /** Empties the ledger, cancels pending work, restores the starting fault knobs, zeroes the counters. */
  reset(): void;
}

export function controlRoutes(deps: ControlDeps): Route[] {
  const { ledger, faults, callbacks } = deps;
  const faultsView = () => ({ settings: faults.settings, injected: faults.injected() });

  return [
    {
      method: 'GET',
      path: '/sandbox/health',
      kind: 'control',
      handle: () => jsonReply(200, { ok: true, providers: deps.providers }),
    },
    {
      method: 'GET',
      path: '/sandbox/ledger',
      kind: 'control',
      handle: ({ query }) => {
        const wanted = query.get('provider');
        if (wanted === null) return jsonReply(200, { entries: ledger.list() });
        const provider = providerNameSchema.safeParse(wanted);
        if (!provider.success)
          return jsonReply(400, { error: `unknown provider; one of ${deps.providers.join(', ')}` });
        return jsonReply(200, { entries: ledger.list(provider.data) });
      },
    },
    {
      method: 'POST',
      path: '/sandbox/reset',
      kind: 'control',
      handle: () => {
        deps.reset();
        return jsonReply(200, { ok: true });
      },
    },
    {
      // A payout left `processing` finishes silently (no callback): only a status lookup learns it (reconciliation).
      method: 'POST',
      path: '/sandbox/settle',
      kind: 'control',
      handle: ({ body }) => {
        const json = parseJsonBody(body);
        const request = json.ok ? settleRequestSchema.safeParse(json.value) : undefined;
        if (!request?.success) return jsonReply(400, { error: 'expected {provider, key, status, code?, message?}' });
        const { provider, key, ...outcome } = request.data;
        // RBKmoney withdrawals answer from their own state machine, not from the ledger.
        if (provider !== 'ecommpay') return jsonReply(400, { error: 'only ecommpay payouts can be settled here' });
        if (!ledger.get(provider, key)) return jsonReply(404, { error: 'no such payout' });
        const settled = ledger.settle(
          provider,
          key,
          outcome.status === 'succeeded'
            ? { status: 'succeeded' }
            : {
                status: 'declined',
                code: outcome.code ?? '3105',
                message: outcome.message ?? 'declined by the sandbox',
              },
        );
        return jsonReply(settled.changed ? 200 : 409, { entry: settled.entry });
      },
    },
    { method: 'GET', path: '/sandbox/faults', kind: 'control', handle: () => jsonReply(200, faultsView()) },
    {
      method: 'POST',
      path: '/sandbox/faults',
      kind: 'control',
      handle: ({ body }) => {
        const json = body.length === 0 ? { ok: true as const, value: {} } : parseJsonBody(body);
        if (!json.ok) return jsonReply(400, { error: 'body is not JSON' });
        const patch = faultPatchSchema.safeParse(json.value);
        if (!patch.success) {
          const issues = patch.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
          return jsonReply(400, { error: 'invalid fault settings', issues });
        }
        faults.update(patch.data);
        return jsonReply(200, faultsView());
      },
    },
    {
      method: 'GET',
      path: '/sandbox/stats',
      kind: 'control',
      handle: () => {
        const byStatus: Record<string, number> = {};
        const entries = ledger.list();
        for (const entry of entries) byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
        return jsonReply(200, {
          injected: faults.injected(),
          callbacks: callbacks.stats(),
          ledger: { entries: entries.length, byStatus },
        });
      },
    },
  ];
}
