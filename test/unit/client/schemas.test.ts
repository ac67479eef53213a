// The committed JSON Schemas (schemas/*.json) must say exactly what the zod schemas generate today (compared
// as JSON, so Prettier may lay the files out). After a deliberate change to a schema:
//   UPDATE_SCHEMAS=1 npm run test:unit -- --testPathPatterns schemas && npx prettier --write schemas
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jsonSchemaEntries, jsonSchemaText } from '../../../src/client/json-schemas.js';

const dir = path.resolve('schemas');
const names = Object.keys(jsonSchemaEntries);

if (process.env.UPDATE_SCHEMAS === '1') {
  for (const name of names) writeFileSync(path.join(dir, `${name}.schema.json`), jsonSchemaText(name));
}

test.each(names)('schemas/%s.schema.json matches the zod schema', (name) => {
  const committed: unknown = JSON.parse(readFileSync(path.join(dir, `${name}.schema.json`), 'utf8'));
  expect(committed).toEqual(JSON.parse(jsonSchemaText(name)));
});

test('schemas/ holds no schema the code no longer generates', () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.schema.json'));
  expect(files.sort()).toEqual(names.map((name) => `${name}.schema.json`).sort());
});

test('the request schema describes a card payout as other clients must send it', () => {
  const schema = JSON.parse(jsonSchemaText('payout-request')) as {
    required: string[];
    properties: { amount: { type: string }; card: { anyOf: Array<{ required: string[] }> } };
  };
  expect(schema.required).toEqual(expect.arrayContaining(['payoutId', 'provider', 'amount', 'currency', 'card']));
  expect(schema.properties.amount.type).toBe('integer');
  expect(schema.properties.card.anyOf.map((form) => form.required)).toEqual([['pan'], ['token']]);
});
