// The alert rules of deploy/prometheus/: valid for Prometheus (promtool check rules), behaving as their unit
// tests say (promtool test rules), every selector naming a metric our processes or the Temporal SDK expose,
// and a scrape configuration promtool accepts. promtool comes with Debian's `prometheus` package (.ci/run
// installs it); PROMTOOL names another binary.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../../src/devstack/commands.js';
import { parse } from 'yaml';
import { knownSeriesNames } from './metric-catalog.js';
import { metricNamesIn } from './promql.js';

const promtool = process.env.PROMTOOL ?? 'promtool';
const rulesFile = 'deploy/prometheus/rules/payouts.rules.yml';
const rulesTests = 'deploy/prometheus/tests/payouts.rules.test.yml';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (group) => group.rules,
);

/** promtool's exit code and output; a missing binary fails with a hint instead of a bare ENOENT. */
async function runPromtool(args: string[]): Promise<{ code: number; output: string }> {
  const result = await runCommand(promtool, args, { env: { ...process.env }, timeoutMs: 60_000 });
  if (result.stderr.includes('ENOENT'))
    throw new Error(`${promtool} not found: apt-get install prometheus (or set PROMTOOL)`);
  return { code: result.code, output: result.stdout + result.stderr };
}

test('promtool accepts the rules file', async () => {
  const result = await runPromtool(['check', 'rules', rulesFile]);
  expect(result).toMatchObject({ code: 0 });
  expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
});

test("the rules' unit tests pass (promtool test rules)", async () => {
  const result = await runPromtool(['test', 'rules', rulesTests]);
  expect(result).toMatchObject({ code: 0 });
  expect(result.output).toContain('SUCCESS');
});

test('a broken rule or a wrong expectation fails promtool: the checks above can fail', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'payouts-rules-'));
  mkdirSync(path.join(dir, 'rules'));
  mkdirSync(path.join(dir, 'tests'));
  const text = readFileSync(rulesFile, 'utf8');
  writeFileSync(path.join(dir, 'rules/payouts.rules.yml'), text.replace('increase(', 'increse('));
  const broken = await runPromtool(['check', 'rules', path.join(dir, 'rules/payouts.rules.yml')]);
  expect(broken.code).not.toBe(0);
  expect(broken.output).toContain('unknown function with name "increse"');

  // A threshold moved: the rule still parses, but the unit test's expected alert no longer fires.
  writeFileSync(path.join(dir, 'rules/payouts.rules.yml'), text.replace(') > 0.05', ') > 0.5'));
  copyFileSync(rulesTests, path.join(dir, 'tests/payouts.rules.test.yml'));
  const wrong = await runPromtool(['test', 'rules', path.join(dir, 'tests/payouts.rules.test.yml')]);
  expect(wrong.code).not.toBe(0);
  expect(wrong.output).toContain('alertname: CallbackRejectionRate');
});

test("every rule's expression selects metrics that exist", () => {
  const known = knownSeriesNames();
  const unknown = rules.flatMap((rule) =>
    metricNamesIn(rule.expr)
      .filter((name) => !known.has(name))
      .map((name) => `${rule.alert ?? rule.record}: ${name}`),
  );
  expect(unknown).toEqual([]);
  expect(rules.flatMap((rule) => metricNamesIn(rule.expr)).length).toBeGreaterThan(rules.length);
});

test('every alert pages or opens a ticket, and says what happened', () => {
  expect(rules.length).toBeGreaterThanOrEqual(10);
  for (const rule of rules) {
    expect([rule.alert, rule.labels?.severity]).toEqual([rule.alert, expect.stringMatching(/^(page|ticket)$/)]);
    expect([rule.alert, rule.annotations?.summary]).toEqual([rule.alert, expect.any(String)]);
  }
  // The ones docs/OPERATIONS.md describes, by name.
  const names = rules.map((rule) => rule.alert);
  for (const name of ['PayoutNeedsReview', 'BatchCircuitBreakerOpen', 'CallbackRejectionRate', 'WorkerDown']) {
    expect(names).toContain(name);
  }
});

test('promtool accepts the scrape configuration of the observability profile', async () => {
  const result = await runPromtool(['check', 'config', 'deploy/prometheus/prometheus.yml']);
  expect(result).toMatchObject({ code: 0 });
  expect(result.output).toContain('SUCCESS');
});
