/** History sizes, read from visibility (every run of a continued-as-new workflow is listed on its own). */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';

export interface LargestHistory {
  workflowId: string;
  type: string;
  events: number;
  bytes: number;
}

export interface HistorySurvey {
  /** Executions measured (runs count one each). */
  executions: number;
  batchRuns: number;
  largest?: LargestHistory;
  largestChild?: LargestHistory;
}

function asLargest(
  info: Pick<WorkflowExecutionInfo, 'workflowId' | 'type' | 'historyLength' | 'historySize'>,
): LargestHistory {
  return { workflowId: info.workflowId, type: info.type, events: info.historyLength, bytes: info.historySize ?? 0 };
}

/** Payouts sampled for the largest child history (they are all alike). */
const childSample = 20;

/**
 * Every run of the batch and its pages, and a sample of its payouts: the largest history of all, and of the
 * payouts. Visibility holds a history's length once the run has closed; open ones are described.
 */
export async function surveyBatch(client: Client, batchId: string): Promise<HistorySurvey> {
  const survey: HistorySurvey = { executions: 0, batchRuns: 0 };
  const measure = async (info: WorkflowExecutionInfo): Promise<LargestHistory> =>
    info.status.name === 'RUNNING'
      ? asLargest(await client.workflow.getHandle(info.workflowId, info.runId).describe())
      : asLargest(info);
  const consider = (history: LargestHistory) => {
    survey.executions++;
    if (!survey.largest || history.events > survey.largest.events) survey.largest = history;
  };
  for await (const info of client.workflow.list({
    query: `BatchId = "${batchId}" AND WorkflowType != "PayoutWorkflow"`,
    pageSize: 1000,
  })) {
    if (info.type === 'BatchWorkflow') survey.batchRuns++;
    consider(await measure(info));
  }
  let sampled = 0;
  for await (const info of client.workflow.list({
    query: `BatchId = "${batchId}" AND WorkflowType = "PayoutWorkflow"`,
    pageSize: childSample,
  })) {
    const history = await measure(info);
    consider(history);
    if (!survey.largestChild || history.events > survey.largestChild.events) survey.largestChild = history;
    if (++sampled >= childSample) break;
  }
  return survey;
}

/** One workflow's current history length and size (a running one too). */
export async function historyOf(client: Client, workflowId: string): Promise<LargestHistory & { status: string }> {
  const description = await client.workflow.getHandle(workflowId).describe();
  return { ...asLargest(description), status: description.status.name };
}

/** CPU seconds each process used between two readings: `temporal:12.3,worker:4.5,...`, largest first. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): string {
  return Object.entries(after)
    .map(([name, seconds]) => [name, seconds - (before[name] ?? 0)] as const)
    .filter(([, seconds]) => seconds >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name}:${seconds.toFixed(1)}`)
    .join(',');
}
