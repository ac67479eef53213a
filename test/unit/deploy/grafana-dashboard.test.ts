// The Grafana dashboard of deploy/grafana/: every query parses (promtool, with Grafana's variables filled in)
// and selects metrics that exist (our registries, our SDK-meter metrics, the Temporal SDK's own), so a typo in
// a metric name fails here instead of drawing an empty panel; and it covers what ops watch.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommandOrThrow } from '../../../src/devstack/commands.js';
import { stringify } from 'yaml';
import { knownSeriesNames, sdkMetrics } from './metric-catalog.js';
import { metricNamesIn } from './promql.js';

const dashboardFile = 'deploy/grafana/dashboards/payouts.json';

interface Target {
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { type: string; uid: string };
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const readDashboard = (text = readFileSync(dashboardFile, 'utf8')) => JSON.parse(text) as Dashboard;
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);

/** Every PromQL the dashboard runs: its panels' targets and its variables' `label_values(metric, label)`. */
function queriesOf(dashboard: Dashboard): { where: string; expr: string }[] {
  const targets = allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr })),
  );
  const variables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const metric = /^label_values\(([^,]+),\s*\w+\)$/.exec(query)?.[1];
      return { where: `$${variable.name}`, expr: metric ?? query };
    });
  return [...targets, ...variables];
}

/** Names a query selects that no process exposes, as `panel: name`. */
function unknownMetrics(dashboard: Dashboard, known = knownSeriesNames()): string[] {
  return queriesOf(dashboard).flatMap(({ where, expr }) =>
    metricNamesIn(expr)
      .filter((name) => !known.has(name))
      .map((name) => `${where}: ${name}`),
  );
}

/** Grafana's variables replaced by values Prometheus would get, so promtool can parse the query. */
const asPrometheusSees = (expr: string) =>
  expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/=~"\$\w+"/g, '=~".*"')
    .replace(/\$\{?\w+\}?/g, 'x');

test('every query selects metrics that exist', () => {
  const queries = queriesOf(readDashboard());
  expect(queries.length).toBeGreaterThan(30);
  for (const { where, expr } of queries) expect([where, metricNamesIn(expr).length > 0]).toEqual([where, true]);
  expect(unknownMetrics(readDashboard())).toEqual([]);
});

test('a misspelt metric name is reported with its panel', () => {
  const typo = readFileSync(dashboardFile, 'utf8').replace(
    'rate(temporal_workflow_failed_total[',
    'rate(temporal_workflow_fail_total[',
  );
  expect(unknownMetrics(readDashboard(typo))).toEqual(['Workflows closed: temporal_workflow_fail_total']);
});

test("the SDK's metric names, read from its sources, include those a real worker exposes", () => {
  // test/integration/metrics/metrics.test.ts scrapes these from a worker; an unreadable source would give none.
  const names = sdkMetrics().map((metric) => metric.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'temporal_workflow_completed_total',
      'temporal_activity_execution_latency',
      'temporal_workflow_task_schedule_to_start_latency',
      'temporal_worker_task_slots_available',
      'temporal_request_failure_total',
    ]),
  );
  expect(names.length).toBeGreaterThan(30);
});

test('every query parses as PromQL (promtool, as recording rules)', async () => {
  const queries = queriesOf(readDashboard());
  const rules = queries.map(({ expr }, index) => ({
    record: `dashboard:query_${index}`,
    expr: asPrometheusSees(expr),
  }));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'payouts-dashboard-')), 'queries.yml');
  writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
  const { stdout } = await runCommandOrThrow('promtool', process.env.PROMTOOL ?? 'promtool', ['check', 'rules', file], {
    env: { ...process.env },
  });
  expect(stdout).toContain(`SUCCESS: ${queries.length} rules found`);
});

test('it shows payouts by status, provider and currency, amounts, providers, callbacks, batches and the SDK', () => {
  const dashboard = readDashboard();
  const queries = queriesOf(dashboard).map((query) => query.expr);
  const some = (pattern: RegExp) => queries.some((expr) => pattern.test(expr));
  for (const label of ['status', 'provider', 'currency']) {
    expect([label, some(new RegExp(`by \\(${label}\\) \\(increase\\(payouts_finished_total`))]).toEqual([label, true]);
  }
  for (const pattern of [
    /payouts_paid_amount_minor_total/,
    /payouts_provider_call_duration_seconds_bucket/,
    /payouts_provider_call_errors_total/,
    /payouts_callbacks_received_total/,
    /payouts_callbacks_rejected_total/,
    /payouts_batches\b/,
    /payouts_batch_items/,
    /temporal_workflow_task_schedule_to_start_latency_bucket/,
    /temporal_worker_task_slots_available/,
  ]) {
    expect([String(pattern), some(pattern)]).toEqual([String(pattern), true]);
  }
  // Batch gauges come from every worker alike: aggregated with max, never sum.
  expect(queries.filter((expr) => /payouts_batch/.test(expr) && !/^max by/.test(expr))).toEqual([]);
});

test('panels have unique ids and query the provisioned Prometheus through the datasource variable', () => {
  const dashboard = readDashboard();
  const panels = allPanels(dashboard.panels);
  expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
  for (const panel of panels.filter((p) => p.type !== 'row')) {
    expect([panel.title, panel.datasource]).toEqual([panel.title, { type: 'prometheus', uid: '${datasource}' }]);
  }
  const provisioned = readFileSync('deploy/grafana/provisioning/datasources/prometheus.yml', 'utf8');
  const variable = dashboard.templating.list.find((v) => v.name === 'datasource') as unknown as {
    current: { value: string };
  };
  expect(provisioned).toContain(`uid: ${variable.current.value}`);
});
