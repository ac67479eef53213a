/**
 * Batch files (CSV or JSONL) into validated payout requests. The whole file is read and every bad row is
 * listed with its line number and reason, so nothing is submitted until the file is clean.
 *
 * CSV: a header row; `payout_id`, `amount` (minor units), `currency`, `provider` (or a default), and `pan`
 * (with `exp_month`, `exp_year`, `card_holder`) or `token`; any other request field as a dotted column
 * (`customer.first_name`, `sender.day_of_birth`, `metadata.order`). An empty cell means "not given", so rows
 * for different providers share one file. JSONL: one PayoutRequest object per line.
 */
import { providerNameSchema, type PayoutRequest, type ProviderName } from '../domain/payout-request.js';
import { parseCsv } from './csv.js';
import type { ItemProblem } from './errors.js';
import type { PayoutValidator } from './provider-validation.js';
import { fieldKindOf, setPath } from './request-fields.js';
import { checkPayoutRequest } from './validation.js';

export type BatchFileFormat = 'csv' | 'jsonl';

export interface ParsedItem {
  /** 1-based position in the batch. */
  item: number;
  line: number;
  request: PayoutRequest;
}

export interface ParsedBatchFile {
  items: ParsedItem[];
  problems: ItemProblem[];
  /** Rows found, valid or not (a header is not a row). */
  rows: number;
}

export interface BatchFileOptions {
  /** Provider for rows that name none. */
  provider?: ProviderName;
  /** The providers' own rules (provider-validation.ts); the schema alone when absent. */
  validate?: PayoutValidator;
}

/** Short column names for the common fields; every other column is the field's dotted path. */
export const columnAliases: Readonly<Record<string, string>> = {
  payout_id: 'payoutId',
  pan: 'card.pan',
  exp_month: 'card.expMonth',
  exp_year: 'card.expYear',
  card_holder: 'card.holder',
  token: 'card.token',
  not_before: 'notBefore',
};

export function formatOfFile(fileName: string): BatchFileFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

export function parseBatchFile(text: string, format: BatchFileFormat, options: BatchFileOptions = {}): ParsedBatchFile {
  return format === 'csv' ? parseCsvBatch(text, options) : parseJsonlBatch(text, options);
}

/** Validates one raw request (a row turned into an object) and records it or its problems. */
function accept(raw: Record<string, unknown>, line: number, options: BatchFileOptions, out: ParsedBatchFile): void {
  const item = out.rows;
  const payoutId = typeof raw.payoutId === 'string' ? raw.payoutId : undefined;
  const at = { item, line, ...(payoutId ? { payoutId } : {}) };
  if (raw.provider === undefined && options.provider) raw.provider = options.provider;
  if (raw.provider === undefined) {
    out.problems.push({ ...at, path: 'provider', reason: 'no provider: add a provider column or pass --provider' });
    return;
  }
  const checked = checkPayoutRequest(raw, options.validate);
  if (checked.ok) out.items.push({ item, line, request: checked.request });
  else out.problems.push(...checked.problems.map((problem) => ({ ...at, ...problem })));
}

function parseCsvBatch(text: string, options: BatchFileOptions): ParsedBatchFile {
  const out: ParsedBatchFile = { items: [], problems: [], rows: 0 };
  const { records, problems } = parseCsv(text);
  out.problems.push(...problems.map((problem) => ({ item: 0, line: problem.line, path: '', reason: problem.reason })));
  const [header, ...rows] = records;
  if (!header) {
    out.problems.push({ item: 0, line: 1, path: '', reason: 'the file is empty: a header row and one row per payout' });
    return out;
  }
  const columns = header.cells.map((name) => name.trim());
  const paths = columns.map((name) => columnAliases[name] ?? name);
  const headerProblem = (reason: string) => out.problems.push({ item: 0, line: header.line, path: '', reason });
  paths.forEach((path, index) => {
    if (!fieldKindOf(path)) headerProblem(`unknown column "${columns[index]}" (not a field of a payout request)`);
    if (paths.indexOf(path) !== index) headerProblem(`column "${columns[index]}" appears twice`);
  });
  for (const required of ['payoutId', 'amount', 'currency']) {
    if (!paths.includes(required)) headerProblem(`missing column ${required === 'payoutId' ? 'payout_id' : required}`);
  }
  if (!paths.includes('card.pan') && !paths.includes('card.token')) headerProblem('missing column pan or token');
  if (!paths.includes('provider') && !options.provider) headerProblem('missing column provider (or pass --provider)');
  if (out.problems.length > 0) return out;

  for (const record of rows) {
    out.rows++;
    if (record.cells.length !== columns.length) {
      out.problems.push({
        item: out.rows,
        line: record.line,
        path: '',
        reason: `has ${record.cells.length} cells, the header has ${columns.length}`,
      });
      continue;
    }
    const raw: Record<string, unknown> = {};
    const cellProblems: ItemProblem[] = [];
    record.cells.forEach((value, index) => {
      const path = paths[index] as string;
      const cell = value.trim();
      if (cell === '') return;
      if (fieldKindOf(path) === 'integer') {
        if (!/^-?\d+$/.test(cell)) {
          cellProblems.push({ item: out.rows, line: record.line, path, reason: 'must be a whole number' });
          return;
        }
        setPath(raw, path, Number(cell));
      } else {
        setPath(raw, path, cell);
      }
    });
    if (cellProblems.length > 0) {
      const payoutId = typeof raw.payoutId === 'string' ? raw.payoutId : undefined;
      out.problems.push(...cellProblems.map((problem) => ({ ...problem, ...(payoutId ? { payoutId } : {}) })));
      continue;
    }
    accept(raw, record.line, options, out);
  }
  if (out.rows === 0) headerProblem('the file has a header but no rows');
  return out;
}

function parseJsonlBatch(text: string, options: BatchFileOptions): ParsedBatchFile {
  const out: ParsedBatchFile = { items: [], problems: [], rows: 0 };
  const lines = text.split(/\r?\n/);
  lines.forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    out.rows++;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      // The parser's message may quote the line, and the line may hold a card number.
      out.problems.push({ item: out.rows, line, path: '', reason: 'not valid JSON' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      out.problems.push({ item: out.rows, line, path: '', reason: 'must be a JSON object (one payout request)' });
      return;
    }
    accept(value as Record<string, unknown>, line, options, out);
  });
  if (out.rows === 0) out.problems.push({ item: 0, line: 1, path: '', reason: 'the file has no payouts' });
  return out;
}

/** Items whose payoutId appeared earlier in the file: the batch reports them `duplicate` and pays them never. */
export function repeatedPayoutIds(
  items: readonly ParsedItem[],
): Array<{ line: number; payoutId: string; firstLine: number }> {
  const first = new Map<string, number>();
  const repeats: Array<{ line: number; payoutId: string; firstLine: number }> = [];
  for (const { line, request } of items) {
    const seen = first.get(request.payoutId);
    if (seen === undefined) first.set(request.payoutId, line);
    else repeats.push({ line, payoutId: request.payoutId, firstLine: seen });
  }
  return repeats;
}

export function isProviderName(value: string): value is ProviderName {
  return providerNameSchema.safeParse(value).success;
}
