import { CommandFailedError, runNodeScript } from './commands.js';

/**
 * The workflow code bundled once into `file`, as the image does (`npm run bundle:workflows`), in a process of
 * its own so the bundler's memory and CPU are not the launcher's. Resolves with the file.
 */
export async function buildWorkflowBundle(file: string, workflowsPath?: string): Promise<string> {
  const result = await runNodeScript('scripts/bundle-workflows.ts', [file, ...(workflowsPath ? [workflowsPath] : [])], {
    env: process.env,
  });
  if (result.code !== 0) throw new CommandFailedError('bundling the workflow code', result);
  return file;
}
