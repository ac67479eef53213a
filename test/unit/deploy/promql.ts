// The metric names a PromQL expression selects, read by a small tokenizer: enough for the expressions of our
// rules and dashboard (selectors, functions, aggregations with by/without, binary operators, numbers, Grafana
// variables), which promtool parses properly beforehand.
const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);
/** Clauses whose parenthesised list names labels, not metrics. */
const labelListClauses = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;

export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(labelListClauses, ' ')
    .replace(/\$\{?\w+\}?/g, ' ') // Grafana variables outside selectors
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?[smhdwy]?\b/gi, ' '); // numbers and durations
  const names = new Set<string>();
  for (const match of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, word, call] = match;
    if (call || keywords.has(word!.toLowerCase())) continue; // a function or an aggregation
    names.add(word!);
  }
  return [...names];
}
