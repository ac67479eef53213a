/** What every benchmark prints, and the small helpers their numbers come from. */
import { machineLoad } from './stack.js';

export type Figure = string | number | boolean | undefined;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function round(value: number, digits = 1): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

/** The benchmark's last line: `key=value` pairs separated by spaces, then the machine's load. */
export function printFigures(figures: Record<string, Figure>): void {
  const pairs = Object.entries(figures)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? round(value, 2) : String(value)}`);
  console.log([...pairs, machineLoad(), `date=${new Date().toISOString()}`].join(' '));
}

/** A progress line on stderr (stdout keeps the figures). */
export function note(line: string): void {
  console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}`);
}

/** Runs `work(i)` for i in 0..n-1 with at most `limit` at once; results by index. */
export async function pool<T>(n: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
