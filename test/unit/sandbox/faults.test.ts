import { defaultFaults, faultPatchSchema, Faults } from '../../../src/sandbox/faults.js';

const drawSequence = (faults: Faults, n: number) =>
  Array.from({ length: n }, () => faults.serverError('ecommpay') ?? 0);

describe('Faults', () => {
  test('the same seed gives the same faults; another seed other ones', () => {
    const settings = { ...defaultFaults, serverErrorRate: 0.5, seed: 42 };
    const first = drawSequence(new Faults(settings), 40);
    expect(drawSequence(new Faults(settings), 40)).toEqual(first);
    expect(drawSequence(new Faults({ ...settings, seed: 43 }), 40)).not.toEqual(first);
    expect(first.filter((status) => status !== 0).length).toBeGreaterThan(5);
    expect(new Set(first.filter((status) => status !== 0))).toEqual(new Set([500, 502, 503]));
  });

  test('a share of 0 never injects, 1 always does, and each injection is counted per provider', () => {
    const faults = new Faults({ ...defaultFaults, callbackDropRate: 1, callbackDuplicateRate: 0 });
    expect([faults.dropCallback('ecommpay'), faults.dropCallback('ecommpay'), faults.dropCallback('rbkmoney')]).toEqual(
      [true, true, true],
    );
    expect(faults.duplicateCallback('ecommpay')).toBe(false);
    expect(faults.injected()).toEqual({
      ecommpay: expect.objectContaining({ callbacksDropped: 2, callbacksDuplicated: 0 }) as object,
      rbkmoney: expect.objectContaining({ callbacksDropped: 1 }) as object,
    });
  });

  test('latency is latencyMs plus up to latencyJitterMs, and counted only when there is some', () => {
    const faults = new Faults({ ...defaultFaults, latencyMs: 100, latencyJitterMs: 50 });
    const waits = Array.from({ length: 50 }, () => faults.latency('ecommpay'));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...waits)).toBeLessThanOrEqual(150);
    expect(new Set(waits).size).toBeGreaterThan(5);
    expect(faults.injected().ecommpay?.delayedAnswers).toBe(50);
    expect(new Faults().latency('ecommpay')).toBe(0);
  });

  test('a delayed callback waits callbackDelayMs', () => {
    const faults = new Faults({ ...defaultFaults, callbackDelayRate: 1, callbackDelayMs: 1234 });
    expect(faults.callbackDelay('ecommpay')).toBe(1234);
    expect(new Faults().callbackDelay('ecommpay')).toBe(0);
  });

  test('update validates and merges; reset restores the starting settings and zeroes the counters', () => {
    const faults = new Faults({ ...defaultFaults, latencyMs: 10 });
    expect(faults.update({ serverErrorRate: 1 })).toMatchObject({ latencyMs: 10, serverErrorRate: 1 });
    expect(faults.serverError('ecommpay')).toBeDefined();
    expect(() => faults.update({ serverErrorRate: 1.5 })).toThrow();
    faults.reset();
    expect(faults.settings).toEqual({ ...defaultFaults, latencyMs: 10 });
    expect(faults.injected()).toEqual({});
  });

  test('the patch schema refuses unknown knobs and out-of-range values', () => {
    expect(faultPatchSchema.safeParse({ latencyMs: 5 }).success).toBe(true);
    expect(faultPatchSchema.safeParse({ latency: 5 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ callbackDropRate: -0.1 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ timeoutHangMs: 1.5 }).success).toBe(false);
  });
});
