// Counts a secret in raw Temporal output in every form it could take there: as text (digits, or a JSON string
// value), as base64 inside a payload's data at any byte alignment, and as text inside any base64 run once decoded
// (twice, for base64 within base64).

export interface FormCounts {
  /** The value as printed text, as a whole token (a CVV inside a longer run of digits is not a CVV). */
  text: number;
  /** The value as a whole JSON string (`"value"` or `\"value\"`), printed or inside decoded base64. */
  jsonString: number;
  /** The value's base64 at each of the three byte alignments (values long enough to tell apart from noise). */
  base64: number;
  /** The value as text inside decoded base64 runs. */
  insideBase64: number;
}

export const total = (counts: FormCounts): number => counts.text + counts.base64 + counts.insideBase64;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function occurrences(haystack: string, pattern: RegExp): number {
  return [...haystack.matchAll(pattern)].length;
}

const asToken = (value: string): RegExp => new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`, 'g');

/** The base64 characters that depend only on the value's bytes, when it starts `offset` bytes into a block. */
function alignedBase64(value: string, offset: number, alphabet: 'base64' | 'base64url'): string {
  const bytes = Buffer.from(value, 'utf8');
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(alphabet);
  const first = Math.ceil((offset * 8) / 6);
  const last = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(first, last);
}

function decodedRuns(text: string, depth: number): string[] {
  if (depth === 0) return [];
  const runs = text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? [];
  return runs.flatMap((run) => {
    const decoded = Buffer.from(run, 'base64').toString('latin1');
    return [decoded, ...decodedRuns(decoded, depth - 1)];
  });
}

export function countForms(haystack: string, value: string): FormCounts {
  const pattern = asToken(value);
  const quoted = new RegExp(`\\\\?"${escapeRegExp(value)}\\\\?"`, 'g');
  // Fragments shorter than 8 characters turn up by chance in kilobytes of ciphertext.
  const fragments = [0, 1, 2]
    .flatMap((offset) => [alignedBase64(value, offset, 'base64'), alignedBase64(value, offset, 'base64url')])
    .filter((fragment, index, all) => fragment.length >= 8 && all.indexOf(fragment) === index);
  const decoded = decodedRuns(haystack, 2);
  return {
    text: occurrences(haystack, pattern),
    jsonString: [haystack, ...decoded].reduce((sum, text) => sum + occurrences(text, quoted), 0),
    base64: fragments.reduce(
      (sum, fragment) => sum + occurrences(haystack, new RegExp(escapeRegExp(fragment), 'g')),
      0,
    ),
    insideBase64: decoded.reduce((sum, text) => sum + occurrences(text, pattern), 0),
  };
}
