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
  /** Events of every BatchWorkflow run together (the batch's bookkeeping). */
  batchEvents: number;
  /** Events of every page workflow run together (the items' store and report rows). */
  pageEvents: number;
  /** Mean history length of the sampled payouts. */
  payoutEventsMean?: number;
  largest?: LargestHistory;
  largestChild?: LargestHistory;
}

function asLargest(
  info: Pick<WorkflowExecutionInfo, 'workflowId' | 'type' | 'historyLength' | 'historySize'>,
): LargestHistory {
  return { workflowId: info.workflowId, type: info.type, events: info.historyLength, bytes: info.historySize ?? 0 };
}

/** The batch's own workflows; everything else carrying its BatchId is a payout. */
const batchSideTypes = ['BatchWorkflow', 'BatchPageWorkflow'];
const quotedList = (values: string[]) => `(${values.map((value) => `"${value}"`).join(', ')})`;

/** Payouts sampled for the largest child history (they are all alike). */
const childSample = 20;

/**
 * Every run of the batch and its pages, and a sample of its payouts: the largest history of all, and of the
 * payouts. Visibility holds a history's length once the run has closed; open ones are described.
 */
export async function surveyBatch(client: Client, batchId: string): Promise<HistorySurvey> {
  const survey: HistorySurvey = { executions: 0, batchRuns: 0, batchEvents: 0, pageEvents: 0 };
  const measure = async (info: WorkflowExecutionInfo): Promise<LargestHistory> =>
    info.status.name === 'RUNNING'
      ? asLargest(await client.workflow.getHandle(info.workflowId, info.runId).describe())
      : asLargest(info);
  const consider = (history: LargestHistory) => {
    survey.executions++;
    if (!survey.largest || history.events > survey.largest.events) survey.largest = history;
  };
  for await (const info of client.workflow.list({
    query: `BatchId = "${batchId}" AND WorkflowType IN ${quotedList(batchSideTypes)}`,
    pageSize: 1000,
  })) {
    const history = await measure(info);
    if (info.type === 'BatchWorkflow') {
      survey.batchRuns++;
      survey.batchEvents += history.events;
    } else {
      survey.pageEvents += history.events;
    }
    consider(history);
  }
  let sampled = 0;
  let sampledEvents = 0;
  for await (const info of client.workflow.list({
    query: `BatchId = "${batchId}" AND WorkflowType NOT IN ${quotedList(batchSideTypes)}`,
    pageSize: childSample,
  })) {
    const history = await measure(info);
    consider(history);
    sampledEvents += history.events;
    if (!survey.largestChild || history.events > survey.largestChild.events) survey.largestChild = history;
    if (++sampled >= childSample) break;
  }
  if (sampled > 0) survey.payoutEventsMean = sampledEvents / sampled;
  return survey;
}

/** One workflow's current history length and size (a running one too). */
export async function historyOf(client: Client, workflowId: string): Promise<LargestHistory & { status: string }> {
  const description = await client.workflow.getHandle(workflowId).describe();
  return { ...asLargest(description), status: description.status.name };
}

/** Mean history length of workflows by id (closed or running). */
export async function meanEventsOf(client: Client, workflowIds: string[]): Promise<number | undefined> {
  if (workflowIds.length === 0) return undefined;
  const lengths = await Promise.all(workflowIds.map(async (id) => (await historyOf(client, id)).events));
  return lengths.reduce((sum, events) => sum + events, 0) / lengths.length;
}

export type CpuSeconds = Record<string, number>;

/** CPU seconds each process used between two readings. */
export function cpuDelta(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return Object.fromEntries(Object.entries(after).map(([name, seconds]) => [name, seconds - (before[name] ?? 0)]));
}

/** `temporal:12.3,worker:4.5,...`, largest first. */
export function formatCpu(cpu: CpuSeconds): string {
  return Object.entries(cpu)
    .filter(([, seconds]) => seconds >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name}:${seconds.toFixed(1)}`)
    .join(',');
}

/** The Temporal server's processes: the dev server, or the real server and its PostgreSQL. */
const serverProcess = /^(temporal|temporal-server|postgres)$/;

/** Milliseconds of CPU per item: the server's processes, and the workers (names starting `worker`). */
export function cpuPerItem(cpu: CpuSeconds, items: number): { serverMs: number; workerMs: number } {
  const sum = (pick: (name: string) => boolean) =>
    Object.entries(cpu)
      .filter(([name]) => pick(name))
      .reduce((total, [, seconds]) => total + seconds, 0);
  return {
    serverMs: (sum((name) => serverProcess.test(name)) / items) * 1000,
    workerMs: (sum((name) => name.startsWith('worker')) / items) * 1000,
  };
}
