import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger, type NewLedgerEntry } from '../../../src/sandbox/ledger.js';

const payout = (key: string, overrides: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({
  provider: 'ecommpay',
  key,
  reference: `ref-${key}`,
  amount: 100_00,
  currency: 'EUR',
  card: '555555******4444',
  details: { note: 'x' },
  ...overrides,
});

describe('Ledger', () => {
  test('a key is accepted once; a repeat returns the first entry and is counted', () => {
    const ledger = new Ledger();
    expect(ledger.accept(payout('k1'))).toMatchObject({ duplicate: false, entry: { status: 'pending', repeats: 0 } });
    const again = ledger.accept(payout('k1', { amount: 1, reference: 'other' }));
    expect(again).toMatchObject({ duplicate: true, entry: { amount: 100_00, reference: 'ref-k1', repeats: 1 } });
    expect(ledger.list()).toHaveLength(1);
  });

  test('keys are per provider', () => {
    const ledger = new Ledger();
    ledger.accept(payout('same'));
    expect(ledger.accept(payout('same', { provider: 'rbkmoney' })).duplicate).toBe(false);
    expect(ledger.list('rbkmoney')).toEqual([expect.objectContaining({ provider: 'rbkmoney', key: 'same' })]);
  });

  test('a settled entry never changes again', () => {
    const ledger = new Ledger();
    ledger.accept(payout('k1'));
    expect(ledger.settle('ecommpay', 'k1', { status: 'succeeded' }).changed).toBe(true);
    const second = ledger.settle('ecommpay', 'k1', { status: 'declined', code: '3104', message: 'limit' });
    expect(second).toMatchObject({ changed: false, entry: { status: 'succeeded' } });
    expect(ledger.update('ecommpay', 'k1', { status: 'pending', details: { note: 'y' } })).toMatchObject({
      status: 'succeeded',
      details: { note: 'x' },
    });
  });

  test('update merges details and moves an unsettled entry between pending and awaiting clarification', () => {
    const ledger = new Ledger();
    ledger.accept(payout('k1'));
    expect(ledger.update('ecommpay', 'k1', { status: 'awaiting_clarification', details: { more: 1 } })).toMatchObject({
      status: 'awaiting_clarification',
      details: { note: 'x', more: 1 },
    });
    expect(() => ledger.update('ecommpay', 'missing', {})).toThrow(/no entry/);
  });

  test('a full card number is refused', () => {
    const ledger = new Ledger();
    expect(() => ledger.accept(payout('k1', { card: '5555555555554444' }))).toThrow(/masked/);
    expect(ledger.list()).toEqual([]);
  });

  test('list returns copies', () => {
    const ledger = new Ledger();
    ledger.accept(payout('k1'));
    const [copy] = ledger.list();
    if (copy) copy.status = 'succeeded';
    expect(ledger.get('ecommpay', 'k1')?.status).toBe('pending');
  });

  describe('with a state file', () => {
    let directory: string;
    let file: string;
    beforeEach(() => {
      directory = mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
      file = path.join(directory, 'nested', 'ledger.jsonl');
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    test('a new ledger reads back every entry in its last state and compacts the file', () => {
      const first = new Ledger(file);
      first.accept(payout('k1'));
      first.accept(payout('k2'));
      first.settle('ecommpay', 'k1', { status: 'declined', code: '3104', message: 'limit' });
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);

      const second = new Ledger(file);
      expect(second.list()).toEqual(first.list());
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    });

    test('a line cut short by a crash is skipped', () => {
      new Ledger(file).accept(payout('k1'));
      appendFileSync(file, '{"provider":"ecommpay","key":"k2","refer');
      expect(new Ledger(file).list().map((entry) => entry.key)).toEqual(['k1']);
    });

    test('reset empties the file too', () => {
      const ledger = new Ledger(file);
      ledger.accept(payout('k1'));
      ledger.reset();
      expect(ledger.list()).toEqual([]);
      expect(new Ledger(file).list()).toEqual([]);
    });
  });
});
