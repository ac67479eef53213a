/**
 * Reading a batch report back from its page workflows, where the rows live (docs/ARCHITECTURE.md, "Batches").
 * Used by the report activity at the end of a batch and by PayoutsClient.batchReport from any host.
 */
import { type Client, QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import {
  addTotals,
  batchPageWorkflowId,
  type BatchTotals,
  pageRevisionsQuery,
  pageRowsQuery,
  type ReportRow,
} from '../workflows/batch/definitions.js';
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

/**
 * A closed batch's totals with what its items' revisions changed since it closed (settlements, contradictions),
 * which its pages keep: one query per page. A page past the report's retention has nothing to add.
 */
export async function withPageRevisions<T extends BatchTotals>(
  client: Client,
  batchId: string,
  pageCount: number,
  totals: T,
): Promise<T> {
  const pages = Array.from({ length: pageCount }, (_, page) => page);
  const changes = await mapLimit(pages, pagesAtOnce, async (page) => {
    try {
      return await client.workflow.getHandle(batchPageWorkflowId(batchId, page)).query(pageRevisionsQuery);
    } catch (error) {
      // Gone with the retention, or served by a worker from before revisions: nothing to add.
      if (notFound(error) || error instanceof QueryNotRegisteredError) return undefined;
      throw error;
    }
  });
  return addTotals(
    totals,
    changes.filter((change): change is BatchTotals => change !== undefined),
  );
}
