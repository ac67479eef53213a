// The sample batch a newcomer submits first must pass the CLI's whole-file validation as it stands.
import { readFileSync } from 'node:fs';
import { parseBatchFile, repeatedPayoutIds } from '../../../src/client/batch-file.js';
import { providerValidator } from '../../../src/client/provider-validation.js';

test('examples/sandbox-batch.csv is 100 valid rows for both providers, with two repeated payoutIds', () => {
  const parsed = parseBatchFile(readFileSync('examples/sandbox-batch.csv', 'utf8'), 'csv', {
    validate: providerValidator(),
  });
  expect(parsed.problems).toEqual([]);
  expect(parsed.items).toHaveLength(100);
  const providers = parsed.items.map((item) => item.request.provider);
  expect(providers.filter((provider) => provider === 'ecommpay')).toHaveLength(85);
  expect(providers.filter((provider) => provider === 'rbkmoney')).toHaveLength(15);
  expect(repeatedPayoutIds(parsed.items).map((repeat) => repeat.payoutId)).toEqual(['sample-003', 'sample-041']);
});
