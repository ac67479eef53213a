/**
 * Everything the CLI prints goes through here, and every line is scrubbed of card numbers on the way out:
 * a PAN that slipped into a provider message or an error still leaves masked.
 */
import { scrubCardNumbers } from '../domain/card.js';

export interface Output {
  print(line: string): void;
  error(line: string): void;
  /** A status line that replaces itself on a terminal, and is printed now and then (or when `force`d) otherwise. */
  status(line: string, force?: boolean): void;
  /** Ends a status line so the next print starts on a fresh line. */
  endStatus(): void;
}

export function consoleOutput(
  stream: NodeJS.WriteStream = process.stdout,
  errors: NodeJS.WriteStream = process.stderr,
): Output {
  let statusShown = false;
  let lastPlainStatusAt = 0;
  const clear = () => {
    if (statusShown && stream.isTTY) stream.write('\r\x1b[2K');
  };
  return {
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
    status(line, force = false) {
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
  };
}
