import { defaultRbkmoneySandboxSettings } from '../../../src/sandbox/rbkmoney/settings.js';
import { ConfigError } from '../../../src/config.js';
import { sandboxSettingsFromEnv } from '../../../src/sandbox/config.js';

describe('sandboxSettingsFromEnv', () => {
  test('an empty environment gives the local-stack defaults and no fault', () => {
    expect(sandboxSettingsFromEnv({})).toEqual({
      host: '127.0.0.1',
      ecommpay: {
        projectId: 1000,
        secretKey: 'sandbox-ecommpay-secret',
        callbackUrl: 'http://localhost:3001/webhooks/ecommpay',
        clarificationWindowMs: 1_800_000,
      },
      rbkmoney: defaultRbkmoneySandboxSettings,
      timing: {
        processingMs: 2_000,
        slowMs: 30_000,
        callbackDelayMs: 1_000,
        callbackRetryMs: 10_000,
        callbackMaxAttempts: 7,
        callbackTimeoutMs: 10_000,
      },
      faults: {},
    });
  });

  test('variables override, fault knobs included', () => {
    const settings = sandboxSettingsFromEnv({
      SANDBOX_STATE_FILE: './.data/sandbox-ledger.jsonl',
      SANDBOX_ECOMMPAY_PROJECT_ID: '874',
      SANDBOX_PROCESSING_MS: '50',
      SANDBOX_SEED: '9',
      SANDBOX_FAULT_SERVER_ERROR_RATE: '0.1',
      SANDBOX_FAULT_CALLBACK_REORDER_RATE: '0.5',
    });
    expect(settings).toMatchObject({
      stateFile: './.data/sandbox-ledger.jsonl',
      ecommpay: { projectId: 874 },
      timing: { processingMs: 50 },
      faults: { seed: 9, serverErrorRate: 0.1, callbackReorderRate: 0.5 },
    });
  });

  test('bad values stop it, naming each variable and never its value', () => {
    let error: unknown;
    try {
      sandboxSettingsFromEnv({
        SANDBOX_ECOMMPAY_CALLBACK_URL: 'not a url',
        SANDBOX_FAULT_CALLBACK_DROP_RATE: '1.5',
        SANDBOX_FAULT_LATENCY_MS: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SANDBOX_ECOMMPAY_CALLBACK_URL');
    expect(message).toContain('SANDBOX_FAULT_LATENCY_MS');
    expect(message).not.toContain('not a url');

    expect(() => sandboxSettingsFromEnv({ SANDBOX_FAULT_CALLBACK_DROP_RATE: '1.5' })).toThrow(
      /SANDBOX_FAULT_CALLBACK_DROP_RATE/,
    );
  });
});
