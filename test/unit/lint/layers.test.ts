// The dependency rules of docs/ARCHITECTURE.md are enforced by eslint.config.js. Each rule is broken here once,
// in the text of a real file of the layer (so the typed parser knows it), and ESLint must answer with an error;
// a rule that stops working, or a pattern that stops matching, fails this test. Allowed imports must pass.
import { ESLint } from 'eslint';

const eslint = new ESLint({
  cwd: process.cwd(),
  ruleFilter: ({ ruleId }) => ruleId === '@typescript-eslint/no-restricted-imports' || ruleId === 'import-x/no-cycle',
});

/** The rule ids ESLint reports for `code` as the content of `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).map((message) => message.ruleId ?? `fatal: ${message.message}`);
}

const restricted = '@typescript-eslint/no-restricted-imports';

const broken: Array<[string, string, string]> = [
  [
    'workflows import no providers',
    'src/workflows/payout/settlement.ts',
    "import type { PayoutProvider } from '../../providers/contract.js';",
  ],
  ['workflows import no config', 'src/workflows/payout/settlement.ts', "import { config } from '../../config.js';"],
  [
    'workflows import no logging',
    'src/workflows/payout/settlement.ts',
    "import { createLogger } from '../../logging.js';",
  ],
  [
    'workflows import no client',
    'src/workflows/payout/settlement.ts',
    "import { PayoutsClient } from '../../client/payouts-client.js';",
  ],
  [
    'workflows import no cli',
    'src/workflows/payout/settlement.ts',
    "import { exitCodes } from '../../cli/context.js';",
  ],
  ['workflows do no I/O', 'src/workflows/payout/settlement.ts', "import { readFileSync } from 'node:fs';"],
  ['providers import no Temporal', 'src/providers/http.ts', "import { Context } from '@temporalio/activity';"],
  [
    'client imports no providers',
    'src/client/validation.ts',
    "import { validate } from '../providers/ecommpay/index.js';",
  ],
  ['client imports no cli', 'src/client/validation.ts', "import { exitCodes } from '../cli/context.js';"],
  [
    'client imports no workflow implementation',
    'src/client/validation.ts',
    "import { PayoutWorkflow } from '../workflows/payout/workflow.js';",
  ],
  [
    'metrics import no workflow implementation from a workflow folder',
    'src/metrics/batch-gauges.ts',
    "import { progressOf } from '../workflows/batch/state.js';",
  ],
  [
    'activities import no client',
    'src/activities/batch.ts',
    "import { PayoutsClient } from '../client/payouts-client.js';",
  ],
  ['activities import no cli', 'src/activities/batch.ts', "import { exitCodes } from '../cli/context.js';"],
  [
    'activities import no workflow implementation',
    'src/activities/batch.ts',
    "import { describe } from '../workflows/payout/decisions.js';",
  ],
  [
    'metrics import no client',
    'src/metrics/batch-gauges.ts',
    "import { PayoutsClient } from '../client/payouts-client.js';",
  ],
  ['metrics import no cli', 'src/metrics/batch-gauges.ts', "import { exitCodes } from '../cli/context.js';"],
  [
    'domain imports no other layer',
    'src/domain/card.ts',
    "import type { PayoutView } from '../workflows/definitions.js';",
  ],
  [
    'shared imports no client',
    'src/shared/workflow-input.ts',
    "import { PayoutsClient } from '../client/payouts-client.js';",
  ],
];

test.each(broken)('%s', async (_rule, file, code) => {
  expect(await violations(file, `${code}\n`)).toContain(restricted);
});

test('an import cycle is an error', async () => {
  // payout-request.ts imports card.ts at run time; card.ts importing it back closes the loop.
  const code =
    "import { payoutRequestSchema } from './payout-request.js';\nexport const schema = payoutRequestSchema;\n";
  expect(await violations('src/domain/card.ts', code)).toContain('import-x/no-cycle');
});

const allowed: Array<[string, string, string]> = [
  [
    'workflows import domain',
    'src/workflows/payout/settlement.ts',
    "import type { ProviderStatus } from '../../domain/provider-messages.js';",
  ],
  [
    'client imports workflow definitions',
    'src/client/validation.ts',
    "import { payoutWorkflowId } from '../workflows/definitions.js';",
  ],
  [
    'activities import workflow definitions',
    'src/activities/batch.ts',
    "import { batchWorkflowId } from '../workflows/batch/definitions.js';",
  ],
  [
    'client imports the definitions of a workflow folder',
    'src/client/reconciliation.ts',
    "import type { ReconciliationInput } from '../workflows/reconciliation/definitions.js';",
  ],
  ['domain imports domain', 'src/domain/scheme-rules/rbkmoney.ts', "import { luhnValid } from '../card.js';"],
];

test.each(allowed)('allowed: %s', async (_rule, file, code) => {
  expect(await violations(file, `${code}\n`)).toEqual([]);
});
