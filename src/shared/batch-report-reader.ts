/**
 * Reading a batch report back from its page workflows, where the rows live (docs/ARCHITECTURE.md, "Batches").
 * Used by the report activity at the end of a batch and by PayoutsClient.batchReport from any host.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { batchPageWorkflowId, pageRowsQuery, type ReportRow } from '../workflows/batch-definitions.js';
import { reportCsvHeader, reportCsvLine } from '../domain/report-csv.js';
import { mapLimit, withRetries } from '../domain/concurrency.js';

/** Pages read at once: enough to hide latency, few enough not to crowd the workers' query handling. */
const pagesAtOnce = 8;

const notFound = (error: unknown) => error instanceof WorkflowNotFoundError;

export async function pageRows(client: Client, batchId: string, page: number): Promise<ReportRow[]> {
  const handle = client.workflow.getHandle(batchPageWorkflowId(batchId, page));
  return withRetries(
    () => handle.query(pageRowsQuery),
    (error) => !notFound(error),
  );
}

/** Every row of the batch in item order, handed to `write` page group by page group (bounded memory). */
export async function forEachReportRow(
  client: Client,
  batchId: string,
  pageCount: number,
  write: (rows: ReportRow[]) => Promise<void> | void,
): Promise<void> {
  for (let first = 0; first < pageCount; first += pagesAtOnce) {
    const pages = Array.from({ length: Math.min(pagesAtOnce, pageCount - first) }, (_, i) => first + i);
    const groups = await mapLimit(pages, pagesAtOnce, (page) => pageRows(client, batchId, page));
    await write(groups.flat());
  }
}

/** The report as CSV text (header and one line per row). */
export async function reportText(
  client: Client,
  batchId: string,
  pageCount: number,
): Promise<{ csv: string; rows: number }> {
  const parts = [reportCsvHeader()];
  let rows = 0;
  await forEachReportRow(client, batchId, pageCount, (group) => {
    rows += group.length;
    parts.push(...group.map(reportCsvLine));
  });
  return { csv: parts.join(''), rows };
}
