// A workflow bundle of today's workflows as code from before a patch ran them (for recording the patch's old
// branch): '@temporalio/workflow' resolves to a shim whose patched() answers false for that patch.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { defaultWorkflowsPath, webpackConfigHook } from '../../src/worker/bundling.js';

export async function merchantNotificationsOffBundle(): Promise<WorkflowBundle> {
  const shim = fileURLToPath(new URL('./fixtures/merchant-notifications-off.ts', import.meta.url));
  return bundleWorkflowCode({
    workflowsPath: defaultWorkflowsPath(),
    webpackConfigHook: (config) => {
      const hooked = webpackConfigHook(config);
      const alias = { ...(hooked.resolve?.alias as Record<string, string> | undefined), '@temporalio/workflow$': shim };
      hooked.resolve = { ...hooked.resolve, alias };
      return hooked;
    },
  });
}
