/**
 * Everything the CLI prints goes through here, and every line is scrubbed of card numbers on the way out:
 * a PAN that slipped into a provider message or an error still leaves masked.
 *
 * `-o text` (default) is for people; `-o json` prints each result as one JSON document; `-o jsonl` prints one
 * JSON object a line, progress events included, for scripts that follow a batch.
 */
import { scrubCardNumbers } from '../domain/card.js';

export const outputFormats = ['text', 'json', 'jsonl'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export type Colour = 'green' | 'red' | 'yellow' | 'dim';
const colourCodes: Record<Colour, number> = { green: 32, red: 31, yellow: 33, dim: 2 };

export interface Output {
  format: OutputFormat;
  print(line: string): void;
  error(line: string): void;
  /** A result: its text lines for people, the value itself as JSON (or one JSON line) for scripts. */
  result(value: unknown, text: () => readonly string[]): void;
  /** A progress event: one JSON line under `-o jsonl`, nothing otherwise (text shows `status` lines). */
  event(value: Record<string, unknown>): void;
  /** A status line that replaces itself on a terminal, and is printed now and then (or when `force`d) otherwise. */
  status(line: string, force?: boolean): void;
  /** Ends a status line so the next print starts on a fresh line. */
  endStatus(): void;
  /** The text in colour on a terminal (text output, NO_COLOR unset); as it is otherwise. */
  paint(colour: Colour, text: string): string;
}

/** Colours only on a terminal, and never when NO_COLOR is set to anything (no-color.org). */
export function coloursWanted(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

/** JSON for scripts, scrubbed like every line: a PAN inside a message leaves masked. */
export function jsonText(value: unknown, format: OutputFormat): string {
  return scrubCardNumbers(format === 'json' ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

export function consoleOutput(
  stream: NodeJS.WriteStream = process.stdout,
  errors: NodeJS.WriteStream = process.stderr,
  env: Record<string, string | undefined> = process.env,
): Output {
  let statusShown = false;
  let lastPlainStatusAt = 0;
  const clear = () => {
    if (statusShown && stream.isTTY) stream.write('\r\x1b[2K');
  };
  const output: Output = {
    format: 'text',
    print(line) {
      clear();
      statusShown = false;
      stream.write(`${scrubCardNumbers(line)}\n`);
    },
    error(line) {
      clear();
      statusShown = false;
      errors.write(`${scrubCardNumbers(line)}\n`);
    },
    result(value, text) {
      if (output.format === 'text') for (const line of text()) output.print(line);
      else stream.write(`${jsonText(value, output.format)}\n`);
    },
    event(value) {
      if (output.format === 'jsonl') stream.write(`${jsonText(value, 'jsonl')}\n`);
    },
    status(line, force = false) {
      if (output.format !== 'text') return;
      const text = scrubCardNumbers(line);
      if (stream.isTTY) {
        clear();
        stream.write(text.slice(0, Math.max(20, (stream.columns ?? 120) - 1)));
        statusShown = true;
      } else if (force || Date.now() - lastPlainStatusAt >= 5_000) {
        lastPlainStatusAt = Date.now();
        stream.write(`${text}\n`);
      }
    },
    endStatus() {
      if (statusShown && stream.isTTY) stream.write('\n');
      statusShown = false;
    },
    paint(colour, text) {
      if (output.format !== 'text' || !coloursWanted(stream, env)) return text;
      return `\x1b[${colourCodes[colour]}m${text}\x1b[0m`;
    },
  };
  return output;
}
