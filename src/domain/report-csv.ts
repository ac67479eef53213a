/**
 * The batch report as CSV: the columns, one line per row, cells quoted for spreadsheets. The report activity
 * writes it to disk and the client builds it from the page workflows; cards only ever appear masked.
 */
import { scrubCardNumbers } from './card.js';

/** What a report line shows of a row (the batch's ReportRow carries this and more). */
export interface ReportCsvRow {
  payoutId: string;
  status: string;
  reference?: string;
  code?: string;
  message?: string;
  maskedCard: string;
  amount: number;
  currency: string;
  attempt?: number;
}

export const reportColumns = [
  'payout_id',
  'status',
  'provider_reference',
  'code',
  'message',
  'masked_card',
  'amount',
  'currency',
  'attempt',
] as const;

/**
 * RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, @, tab, CR) is prefixed with an
 * apostrophe, because provider messages end up in ops' spreadsheets.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (/^[=+@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportCsvHeader(): string {
  return `${reportColumns.join(',')}\n`;
}

export function reportCsvLine(row: ReportCsvRow): string {
  const cells = [
    row.payoutId,
    row.status,
    row.reference,
    row.code,
    // Provider messages are scrubbed where they enter; a report is a file people mail around, so again.
    row.message === undefined ? undefined : scrubCardNumbers(row.message),
    row.maskedCard,
    row.amount,
    row.currency,
    row.attempt,
  ];
  return `${cells.map(csvCell).join(',')}\n`;
}
