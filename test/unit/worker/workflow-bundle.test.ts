import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { batchOptionsSchema } from '../../../src/workflows/batch/schemas.js';
import { batchOptionDefaults, withBatchDefaults } from '../../../src/workflows/batch/definitions.js';
import { defaultWorkflowsPath, preloadedModules, webpackConfigHook } from '../../../src/worker/bundling.js';

// A worker evaluates the bundle's modules anew for every workflow it creates (cache misses included): zod
// there cost about a fifth of the workflow thread's CPU in the batch benchmark (docs/PERFORMANCE.md).
test('the workflow bundle holds none of zod and no schema module', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: defaultWorkflowsPath(),
    webpackConfigHook,
    logger: new DefaultLogger('WARN'),
  });
  const modules = [...code.matchAll(/^\/\*\*\*\/ "\.\/([^"]+)"/gm)].map((match) => match[1] ?? '');
  expect(modules).toContain('src/workflows/payout/workflow.ts');
  expect(modules.filter((module) => module.startsWith('node_modules/zod/'))).toEqual([]);
  expect(modules).not.toContain('src/domain/payout-request.ts');
  expect(modules).not.toContain('src/workflows/batch/schemas.ts');
}, 60_000);

// Preloaded modules are evaluated once per workflow thread instead of once per workflow; the shared context's
// settings come first, before any workflow code. A baseline's entry point (benchmarks) keeps the SDK's defaults.
test("our bundle preloads the shared context's settings, the interceptors and our workflow code", async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: defaultWorkflowsPath(),
    webpackConfigHook,
    preloadModules: preloadedModules(defaultWorkflowsPath()),
    logger: new DefaultLogger('WARN'),
  });
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
  const required = [...preload.matchAll(/"\.\/(src\/[^"]+)"\)/g)].map((match) => match[1]);
  expect(required).toEqual([
    'src/workflows/shared-context.ts',
    'src/workflows/interceptors.ts',
    'src/workflows/index.ts',
  ]);
  expect(preloadedModules('/elsewhere/bare-workflow.ts')).toEqual([]);
}, 60_000);

test('the batch workflow fills in the same defaults as the schema the client validates with', () => {
  expect(withBatchDefaults()).toEqual(batchOptionsSchema.parse({}));
  expect(withBatchDefaults({ concurrency: 7, rowFlushSize: undefined })).toEqual(
    batchOptionsSchema.parse({ concurrency: 7 }),
  );
  expect(Object.keys(batchOptionDefaults).sort()).toEqual(
    Object.keys(batchOptionsSchema.parse({}))
      .filter((key) => key !== 'providerTaskQueues')
      .sort(),
  );
});
