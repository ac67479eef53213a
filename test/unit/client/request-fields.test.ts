import { fieldKindOf, setPath } from '../../../src/client/request-fields.js';

test('paths and kinds come from the request schema', () => {
  expect(fieldKindOf('payoutId')).toBe('string');
  expect(fieldKindOf('amount')).toBe('integer');
  expect(fieldKindOf('provider')).toBe('enum');
  expect(fieldKindOf('card.pan')).toBe('string');
  expect(fieldKindOf('card.token')).toBe('string');
  expect(fieldKindOf('card.expYear')).toBe('integer');
  expect(fieldKindOf('sender.identify.doc_number')).toBe('string');
  expect(fieldKindOf('metadata.order_ref')).toBe('string');
});

test('paths the schema does not have are unknown', () => {
  expect(fieldKindOf('customer.frist_name')).toBeUndefined();
  expect(fieldKindOf('metadata')).toBeUndefined();
  expect(fieldKindOf('customer')).toBeUndefined();
});

test('setPath builds the nested object', () => {
  const target: Record<string, unknown> = {};
  setPath(target, 'customer.billing.city', 'Riga');
  setPath(target, 'customer.id', 'c-1');
  expect(target).toEqual({ customer: { billing: { city: 'Riga' }, id: 'c-1' } });
});
