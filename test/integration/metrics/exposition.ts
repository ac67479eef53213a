// Reads Prometheus text exposition back into samples, for assertions (prom-client writes it; this only reads).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function samples(text: string): Sample[] {
  return text.split('\n').flatMap((row) => {
    const match = line.exec(row);
    if (!match || row.startsWith('#')) return [];
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (match[2] ?? '').matchAll(label)) labels[key] = value;
    return [{ name: match[1] ?? '', labels, value: Number(match[3]) }];
  });
}

/** The sum of a metric's samples whose labels include `where`. */
export function sumOf(all: Sample[], name: string, where: Record<string, string>): number {
  return all
    .filter((sample) => sample.name === name)
    .filter((sample) => Object.entries(where).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
