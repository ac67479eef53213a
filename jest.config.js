// Two projects: `unit` (pure code, no servers) and `integration` (a real Temporal dev server started once
// by globalSetup and shared by every file). Sources are ESM TypeScript, compiled by swc.
// `npm run test:integration` runs two files at once (--maxWorkers=2; jest's default on 2 cores is one): most
// of a file's time is spent waiting on timers, callbacks and restarts, so two overlap. Each file has its own
// task queues, ids and ports; the crash and chaos files bring their own servers.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.mjs',
      globalTeardown: '<rootDir>/test/integration/global-teardown.mjs',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 120_000,
};
