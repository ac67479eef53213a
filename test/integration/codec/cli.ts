// The Temporal CLI against the shared dev server, without a codec unless one is named: what anyone with access
// to the Temporal service (or its database) would read.
import { runCommandOrThrow } from '../../../src/devstack/commands.js';
import { testServer } from '../helpers.js';

export async function temporalCli(args: string[]): Promise<string> {
  const { address, namespace, cliPath } = testServer();
  const { stdout } = await runCommandOrThrow('temporal', cliPath, [
    ...args,
    '--address',
    address,
    '--namespace',
    namespace,
    '--output',
    'json',
  ]);
  return stdout;
}

/** Each raw view of one workflow: its history (payloads as JSON, and as stored) and its description. */
export async function rawViewsOf(workflowId: string): Promise<Record<string, string>> {
  const id = ['--workflow-id', workflowId];
  return {
    history: await temporalCli(['workflow', 'show', ...id]),
    'history, stored payloads': await temporalCli(['workflow', 'show', ...id, '--no-json-shorthand-payloads']),
    describe: await temporalCli(['workflow', 'describe', ...id]),
    'describe, stored payloads': await temporalCli(['workflow', 'describe', ...id, '--no-json-shorthand-payloads']),
  };
}

/** The visibility records (search attributes, memo) of every workflow on a task queue, once `expected` are listed. */
export async function visibilityOf(taskQueue: string, expected: number): Promise<{ ids: string[]; raw: string }> {
  const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus != 'Running'`;
  for (let tries = 0; ; tries++) {
    const raw = await temporalCli(['workflow', 'list', '--query', query, '--no-json-shorthand-payloads']);
    const ids = (JSON.parse(raw) as Array<{ execution: { workflowId: string } }>).map((e) => e.execution.workflowId);
    if (ids.length >= expected || tries > 100) return { ids, raw };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
