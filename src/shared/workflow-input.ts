/**
 * A workflow's own input, read back from the first event of its (latest) run and decoded with the client's
 * data converter (the payload codec included). A retry needs what an earlier run was started with: a batch's
 * source and options, an attempt's payout request. Only the first history page (one event) is fetched.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';

export async function workflowInput<T>(client: Client, workflowId: string, runId?: string): Promise<T> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, ...(runId ? { runId } : {}) },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads || payloads.length === 0) throw new Error(`${workflowId} has no input in its history`);
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  // Codecs encode in order, so they decode in reverse.
  let decoded = payloads as Payload[];
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return payloadConverter.fromPayload<T>(decoded[0] as Payload);
}
