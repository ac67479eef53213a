// The `observability` compose profile, checked where no Docker engine runs: every file it mounts exists,
// Prometheus scrapes each service that serves /metrics on the port that service listens on and loads our
// rules, the rules' `job` labels are the scrape jobs, and Grafana finds Prometheus and our dashboard.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface ComposeService {
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  ports?: string[];
  deploy?: { replicas?: number };
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
}

const read = (file: string) => readFileSync(path.resolve(file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

/** `./host:/container[:ro]` bind mounts of a service (named volumes left out). */
function bindMounts(service: ComposeService | undefined): { host: string; container: string }[] {
  return (service?.volumes ?? [])
    .filter((volume) => volume.startsWith('./'))
    .map((volume) => {
      const [host, container] = volume.split(':');
      return { host: host!, container: container! };
    });
}

/** The host file or directory a container path comes from, through the service's bind mounts. */
function hostPathOf(service: ComposeService | undefined, containerPath: string): string | undefined {
  for (const { host, container } of bindMounts(service)) {
    if (containerPath === container) return host;
    if (containerPath.startsWith(`${container}/`)) return path.join(host, containerPath.slice(container.length + 1));
  }
  return undefined;
}

/** Where each payouts process serves /metrics: the variable holding its listening port (docs/OPERATIONS.md). */
const metricsPortVariable: Record<string, string> = { worker: 'WORKER_HEALTH_PORT', relay: 'RELAY_INTERNAL_PORT' };

const prometheus = services.prometheus;
const configFlag = prometheus?.command?.find((arg) => arg.startsWith('--config.file='))?.split('=')[1];
const prometheusConfigHost = configFlag ? hostPathOf(prometheus, configFlag) : undefined;
const prometheusConfig = parse(read(prometheusConfigHost ?? 'missing')) as {
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
};

test('every file or directory a service mounts from the repository exists', () => {
  const mounts = Object.entries(services).flatMap(([name, service]) =>
    bindMounts(service).map(({ host }) => [name, host] as const),
  );
  expect(mounts.length).toBeGreaterThanOrEqual(6);
  for (const [name, host] of mounts) expect([name, host, existsSync(host)]).toEqual([name, host, true]);
});

test('Prometheus loads deploy/prometheus/prometheus.yml and, through its rule_files, every rules file', () => {
  expect(prometheus?.profiles).toEqual(['observability']);
  expect(prometheusConfigHost).toBe('./deploy/prometheus/prometheus.yml');
  const loaded = prometheusConfig.rule_files.flatMap((pattern) => {
    const host = hostPathOf(prometheus, path.posix.dirname(pattern));
    const suffix = path.posix.basename(pattern).replace('*', '');
    return host
      ? readdirSync(host)
          .filter((file) => file.endsWith(suffix))
          .map((file) => path.join(host, file))
      : [];
  });
  expect(loaded).toEqual(['deploy/prometheus/rules/payouts.rules.yml']);
});

test('Prometheus scrapes every worker replica and the relay, each on the port it listens on', () => {
  const scraped = prometheusConfig.scrape_configs.flatMap((job) => [
    ...(job.static_configs ?? []).flatMap((config) =>
      config.targets.map((target) => {
        const [host, port] = target.split(':');
        return { job: job.job_name, service: host!, port: Number(port) };
      }),
    ),
    // Replicas: Docker's DNS answers the service name with every replica's address.
    ...(job.dns_sd_configs ?? []).flatMap((config) =>
      config.names.map((name) => ({ job: job.job_name, service: name, port: config.port })),
    ),
  ]);
  expect(scraped.map((target) => target.service).sort()).toEqual(Object.keys(metricsPortVariable).sort());
  for (const { job, service, port } of scraped) {
    const listens = services[service]?.environment?.[metricsPortVariable[service]!];
    expect([job, service, port]).toEqual([job, service, Number(listens)]);
  }
  // Replicas are found by DNS, not listed as one target.
  const workerJob = prometheusConfig.scrape_configs.find((job) => job.dns_sd_configs?.[0]?.names.includes('worker'));
  expect(services.worker?.deploy?.replicas).toBeGreaterThan(1);
  expect(workerJob?.dns_sd_configs?.[0]?.type).toBe('A');
  // The relay's internal port must listen on the compose network, not on its loopback.
  expect(services.relay?.environment?.RELAY_INTERNAL_HOST).toBe('0.0.0.0');
});

test("the rules' job labels name the scrape jobs", () => {
  const rules = read('deploy/prometheus/rules/payouts.rules.yml');
  const jobs = new Set([...rules.matchAll(/job="([^"]+)"/g)].map((match) => match[1]));
  expect(jobs.size).toBeGreaterThan(0);
  const scrapeJobs = prometheusConfig.scrape_configs.map((job) => job.job_name);
  for (const job of jobs) expect(scrapeJobs).toContain(job);
});

test('Grafana is provisioned with the profile’s Prometheus and the payouts dashboard', () => {
  const grafana = services.grafana;
  expect(grafana?.profiles).toEqual(['observability']);
  const provisioning = hostPathOf(grafana, '/etc/grafana/provisioning');
  expect(provisioning).toBe('./deploy/grafana/provisioning');

  const datasources = parse(read(path.join(provisioning!, 'datasources/prometheus.yml'))) as {
    datasources: { type: string; url: string; uid: string }[];
  };
  const [datasource] = datasources.datasources;
  const url = new URL(datasource!.url);
  expect(datasource!.type).toBe('prometheus');
  expect(url.hostname).toBe('prometheus');
  // The port Prometheus listens on in its container (the published mapping's right-hand side).
  const containerPorts = (services.prometheus?.ports ?? []).map((mapping) => mapping.split(':').at(-1));
  expect(containerPorts).toContain(url.port);

  const providers = parse(read(path.join(provisioning!, 'dashboards/payouts.yml'))) as {
    providers: { options: { path: string } }[];
  };
  const dashboards = hostPathOf(grafana, providers.providers[0]!.options.path);
  expect(dashboards).toBe('./deploy/grafana/dashboards');
  expect(readdirSync(dashboards!)).toContain('payouts.json');
  const dashboard = JSON.parse(read(path.join(dashboards!, 'payouts.json'))) as {
    templating: { list: { name: string; current?: { value: string } }[] };
  };
  const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
  expect(variable?.current?.value).toBe(datasource!.uid);
  const home = grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  expect(statSync(hostPathOf(grafana, home!)!).isFile()).toBe(true);
});
