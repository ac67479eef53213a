/**
 * What a stack's processes print on the launcher's console, one line per event: on a terminal a pino-pretty
 * line behind the process's colour-tagged name; elsewhere (a pipe, CI, a file) JSON with the process named,
 * so the output stays machine-readable. Every line also goes, as printed by the process, to its log file.
 */
import { isColorSupported, prettyFactory } from 'pino-pretty';

export type ConsoleMode = 'pretty' | 'json' | 'none';

/** Pretty on a terminal, JSON otherwise. */
export function consoleModeFor(stream: { isTTY?: boolean }): ConsoleMode {
  return stream.isTTY ? 'pretty' : 'json';
}

// ANSI foreground colours that read on dark and light terminals; a process keeps its colour for the run.
const tagColours = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

export interface LineFormatterOptions {
  mode: Exclude<ConsoleMode, 'none'>;
  /** Colours in pretty mode (default: when the terminal has them and NO_COLOR is unset, as pino-pretty decides). */
  colour?: boolean;
  /** Tag width, so the events line up (default: that of `codec-server`, or the longest name seen so far). */
  tagWidth?: number;
}

/** Turns the raw lines a process prints into the lines the console shows. */
export type LineFormatter = (processName: string, line: string) => string;

function parsedObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function lineFormatter(options: LineFormatterOptions): LineFormatter {
  const colour = options.colour ?? isColorSupported;
  const colours = new Map<string, number>();
  let width = options.tagWidth ?? 'codec-server'.length;
  const pretty = prettyFactory({
    colorize: colour,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The tag names the process; pid, host and the logger's own name would repeat it on every line.
    ignore: 'pid,hostname,name',
    // An error stays on its event's line (its stack escaped); the log file keeps the event whole.
    errorLikeObjectKeys: [],
  });
  const tag = (name: string) => {
    width = Math.max(width, name.length);
    const padded = name.padEnd(width);
    if (!colour) return `[${padded}]`;
    if (!colours.has(name)) colours.set(name, tagColours[colours.size % tagColours.length]!);
    return `\u001b[${colours.get(name)}m[${padded}]\u001b[39m`;
  };
  if (options.mode === 'json') {
    return (name, line) => {
      const entry = parsedObject(line);
      return JSON.stringify(entry ? { process: name, ...entry } : { process: name, msg: line });
    };
  }
  return (name, line) => {
    const entry = parsedObject(line);
    // A line that is not a pino event (a stack trace, the Temporal server's own text) is shown as it came.
    const [first, ...more] = (entry && 'level' in entry ? pretty(entry).trimEnd() : line).split(/\r?\n/);
    // A message of several lines (a bundler report) shows its first; the log file keeps the rest.
    return `${tag(name)} ${first}${more.length > 0 ? ` (+${more.length} lines in its log)` : ''}`;
  };
}
