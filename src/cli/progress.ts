/** The `--wait` progress line and the closing totals, as pure functions of the batch's progress view. */
import { formatMoney } from '../domain/currency.js';
import { batchItemStatuses, type BatchProgress } from '../workflows/batch/definitions.js';

export interface RateSample {
  /** Items finished when watching began, and when. */
  startFinished: number;
  startedAtMs: number;
  nowMs: number;
}

export function bar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Items per second since watching began; undefined until there is something to measure. */
export function ratePerSecond(view: BatchProgress, sample: RateSample): number | undefined {
  const seconds = (sample.nowMs - sample.startedAtMs) / 1000;
  const done = view.finished - sample.startFinished;
  return seconds > 0 && done > 0 ? done / seconds : undefined;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function statusCounts(view: BatchProgress): string {
  return batchItemStatuses
    .filter((status) => (view.counts[status] ?? 0) > 0)
    .map((status) => `${status} ${view.counts[status]}`)
    .join(', ');
}

export function progressLine(view: BatchProgress, sample: RateSample): string {
  const percent = view.total === 0 ? 100 : Math.floor((view.finished / view.total) * 100);
  const rate = ratePerSecond(view, sample);
  const parts = [
    `${bar(view.finished, view.total)} ${view.finished}/${view.total} ${percent}%`,
    rate === undefined ? 'rate -' : `${rate.toFixed(1)}/s`,
    rate === undefined || view.remaining === 0 ? 'ETA -' : `ETA ${formatDuration(view.remaining / rate)}`,
    `in flight ${view.inFlight}`,
  ];
  const counts = statusCounts(view);
  if (counts) parts.push(counts);
  if (view.cancelled) parts.push(`CANCELLING: ${view.cancelled.reason}`);
  else if (view.paused) parts.push(`PAUSED: ${view.paused.reason}`);
  else if (view.state === 'scheduled' && view.notBefore) parts.push(`waiting until ${view.notBefore}`);
  else if (view.state === 'awaiting_approval') {
    const until = view.approval?.deadline ? ` until ${view.approval.deadline}` : '';
    parts.push(`AWAITING APPROVAL${until}: ${view.approval?.reason ?? 'a second person must approve'}`);
  }
  return parts.join(' · ');
}

export function paidAmounts(view: Pick<BatchProgress, 'succeededAmounts'>): string {
  const amounts = Object.entries(view.succeededAmounts).map(([currency, amount]) => formatMoney(amount, currency));
  return amounts.length > 0 ? amounts.join(' + ') : 'nothing';
}

/** Status lines for `batch status`, a few lines a person reads at a glance. */
export function describeBatch(view: BatchProgress): string[] {
  return [
    `batch ${view.batchId}: ${view.state}${view.run > 1 ? ` (run ${view.run})` : ''}`,
    `  ${view.finished}/${view.total} finished, ${view.inFlight} in flight, ${view.remaining} remaining`,
    `  ${statusCounts(view) || 'no item finished yet'}`,
    `  paid ${paidAmounts(view)}`,
    ...(view.paused
      ? [`  paused by ${view.paused.by.replace('_', ' ')} since ${view.paused.since}: ${view.paused.reason}`]
      : []),
    ...(view.resumed && !view.paused ? [`  resumed at ${view.resumed.at}: ${view.resumed.reason}`] : []),
    ...(view.cancelled ? [`  cancelled at ${view.cancelled.at}: ${view.cancelled.reason}`] : []),
    ...(view.notBefore ? [`  not before ${view.notBefore}`] : []),
    ...(view.report ? [`  report: ${view.report.path} (${view.report.rows} rows)`] : []),
  ];
}

/** One `-o jsonl` progress event: what the progress line shows, as fields. */
export function progressEvent(view: BatchProgress): Record<string, unknown> {
  return {
    batchId: view.batchId,
    state: view.state,
    total: view.total,
    finished: view.finished,
    inFlight: view.inFlight,
    remaining: view.remaining,
    counts: view.counts,
    succeededAmounts: view.succeededAmounts,
    ...(view.paused ? { paused: view.paused } : {}),
    ...(view.cancelled ? { cancelled: view.cancelled } : {}),
    ...(view.state === 'awaiting_approval' && view.approval ? { approval: view.approval } : {}),
  };
}
