/**
 * `npm run bundle:workflows [-- <out file> [<workflows entry point>]]`: bundles the workflow code once (webpack, as a worker does when it
 * starts without a bundle) into dist/workflow-bundle.js. The image builds it, and its workers load it through
 * WORKFLOW_BUNDLE_PATH (`workflowBundle: { codePath }`): they start in seconds instead of bundling at every
 * start, and every replica runs byte-identical workflow code.
 *
 * The bundle is made from the same entry point and webpack hook as development and tests
 * (src/worker/bundling.ts) and carries the failure converter of the payouts data converter
 * (src/codec/data-converter.ts): with a prebuilt bundle the worker ignores the converter paths of its
 * DataConverter inside workflows, so whatever converter or workflow interceptor the worker bundles at start
 * must be bundled here too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { failureConverterPath } from '../src/codec/data-converter.js';
import {
  defaultWorkflowsPath,
  preloadedModules,
  webpackConfigHook,
  workflowInterceptorModules,
} from '../src/worker/bundling.js';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const workflowsPath = process.argv[3] ? path.resolve(process.argv[3]) : defaultWorkflowsPath();
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: failureConverterPath(),
    workflowInterceptorModules: workflowInterceptorModules(),
    webpackConfigHook,
    preloadModules: preloadedModules(workflowsPath),
    logger: new DefaultLogger('WARN'),
  });
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, code);
  const size = `${(Buffer.byteLength(code) / 1024).toFixed(0)} KiB`;
  console.log(`workflow bundle: ${out} (${size}, from ${workflowsPath}, ${Date.now() - started} ms)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
