// The production shape, checked where no Docker engine runs: docker-compose.yml against the Compose
// Specification's JSON schema, every service's entry point against the build, every variable against
// .env.example, and no secret value in any of these files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { configSchema } from '../../../src/config.js';
import { sandboxEnvSchema } from '../../../src/sandbox/config.js';
import { customSearchAttributes } from '../../../src/workflows/definitions.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  deploy?: { replicas?: number };
  entrypoint?: string[];
  volumes?: unknown[];
}
interface Compose {
  services: Record<string, ComposeService>;
}
interface EntryService {
  main: string;
  health?: { portVariable: string; defaultPort: number; path: string };
}

const read = (file: string) => readFileSync(path.resolve(file), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as Compose;
const envExample = read('.env.example');
const dockerfile = read('Dockerfile');

/** Names in .env.example, set or commented out (`# NAME=...`). */
const documented = new Set([...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
/** Secret by name: keys, passwords, tokens (a public key is not). */
const secretName = /(PASSWORD|PWD|TOKEN|(?<!PUBLIC)_KEYS?)$/;
const payoutsServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

let entryServices: Record<string, EntryService>;
beforeAll(async () => {
  const module = (await import(pathToFileURL(path.resolve('deploy/entrypoint.mjs')).href)) as {
    services: Record<string, EntryService>;
  };
  entryServices = module.services;
});

test('docker-compose.yml is valid under the Compose Specification schema', () => {
  // The schema as vendored from compose-spec/compose-go (deploy/compose-spec/README.md).
  const schema = JSON.parse(read('deploy/compose-spec/compose-spec.json')) as object;
  // strictTypes off: the schema uses forms Ajv's strict mode only warns about; unknown keywords still fail.
  const validate = new Ajv2020({ allErrors: true, strictTypes: false }).compile(schema);
  const valid = validate(compose);
  expect(validate.errors?.map((error) => `${error.instancePath} ${error.message}`) ?? []).toEqual([]);
  expect(valid).toBe(true);
});

test('the payouts image runs worker, relay and codec server, two workers, the sandbox and observability by profile', () => {
  const commands = Object.fromEntries(payoutsServices.map(([name, service]) => [name, service.command?.[0]]));
  expect(commands).toEqual({ worker: 'worker', relay: 'relay', codec: 'codec', sandbox: 'sandbox' });
  expect(compose.services.worker?.deploy?.replicas).toBeGreaterThanOrEqual(2);
  const byProfile: Record<string, string[] | undefined> = {
    sandbox: ['sandbox'],
    prometheus: ['observability'],
    grafana: ['observability'],
  };
  for (const [name, service] of Object.entries(compose.services)) {
    expect([name, service.profiles]).toEqual([name, byProfile[name]]);
  }
});

test("every service's entry point is built from a source file (src/X.ts -> dist/X.js)", () => {
  const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
  const { rootDir, outDir } = build.compilerOptions;
  for (const [name, service] of payoutsServices) {
    const entry = entryServices[service.command?.[0] ?? ''];
    expect([name, entry?.main.startsWith(`${outDir}/`)]).toEqual([name, true]);
    const source = path.join(rootDir, path.relative(outDir, entry!.main)).replace(/\.js$/, '.ts');
    expect([name, source, existsSync(source)]).toEqual([name, source, true]);
  }
  // So is the CLI the image also runs (`docker compose run --rm worker cli ...`).
  expect(existsSync(entryServices.cli!.main.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))).toBe(true);
});

test('health checks ask each service on the port its container listens on, the default of src/config.ts', () => {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  for (const [name, service] of payoutsServices) {
    const command = service.command![0]!;
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', '/app/deploy/entrypoint.mjs', 'healthcheck', command]);
    const health = entryServices[command]!.health!;
    expect([name, health.defaultPort]).toEqual([name, defaults[health.portVariable]]);
    expect([name, service.environment?.[health.portVariable]]).toEqual([name, String(health.defaultPort)]);
  }
});

test('the Dockerfile builds once, bundles the workflows, runs as a non-root user through deploy/entrypoint.mjs', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  expect(stages).toHaveLength(2);
  const runtime = stages[1]!;
  const users = [...runtime.matchAll(/^USER (\S+)/gm)].map((match) => match[1]);
  expect(users.length).toBeGreaterThan(0);
  expect(['root', '0']).not.toContain(users[users.length - 1]);
  expect(runtime).toMatch(/^ENTRYPOINT \["node", "\/app\/deploy\/entrypoint\.mjs"\]$/m);
  expect(runtime).toMatch(/^COPY deploy\/entrypoint\.mjs \.\/deploy\/$/m);
  expect(runtime).toMatch(/WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js/);
  expect(stages[0]).toMatch(/npm run bundle:workflows -- dist\/workflow-bundle\.js/);
  expect(stages[0]).toMatch(/npm prune --omit=dev/);
});

test('.dockerignore allows exactly what the Dockerfile copies from the build context, never .env or .data', () => {
  const lines = read('.dockerignore')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  expect(lines[0]).toBe('*');
  const allowed = lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1).replace(/\/$/, ''));
  const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(' '));
  expect(sources.length).toBeGreaterThan(0);
  for (const source of sources) expect([source, allowed.includes(source.replace(/\/$/, ''))]).toEqual([source, true]);
  expect(allowed.filter((entry) => /^\.env|^\.data|node_modules|^dist/.test(entry))).toEqual([]);
});

test('every variable docker-compose.yml takes from the environment is documented in .env.example', () => {
  // ${VAR}, ${VAR:-default}, ${VAR:?error} outside comments; `$${...}` is a literal dollar.
  const withoutComments = composeText.replace(/(^|\s)#.*$/gm, '');
  const interpolated = [...withoutComments.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  // `VAR:` without a value: passed through from .env when set there.
  const passedThrough = Object.values(compose.services).flatMap((service) =>
    Object.entries(service.environment ?? {})
      .filter(([, value]) => value === null)
      .map(([name]) => name),
  );
  expect(interpolated.length).toBeGreaterThan(5);
  expect(passedThrough.length).toBeGreaterThan(20);
  expect([...new Set([...interpolated, ...passedThrough])].filter((name) => !documented.has(name))).toEqual([]);
});

test('every variable the code reads is documented in .env.example', () => {
  const platform = new Set(['PATH', 'HOME', 'XDG_CACHE_HOME', 'CGO_ENABLED']);
  const fromSchemas = [...Object.keys(configSchema.shape), ...Object.keys(sandboxEnvSchema.shape)];
  const rbkmoneySandbox = [...read('src/sandbox/rbkmoney/settings.ts').matchAll(/\b(SANDBOX_RBKMONEY_[A-Z_]+)\b/g)];
  const fromCode = sourceFiles('src').flatMap((file) =>
    [...read(file).matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[['"]([A-Z_][A-Z0-9_]*)['"]\])/g)].map(
      (match) => match[1] ?? match[2]!,
    ),
  );
  const names = new Set([...fromSchemas, ...rbkmoneySandbox.map((match) => match[1]!), ...fromCode]);
  expect(names.size).toBeGreaterThan(50);
  expect([...names].filter((name) => !platform.has(name) && !documented.has(name))).toEqual([]);
});

test('no secret value is written in .env.example or docker-compose.yml', () => {
  const setSecrets = [...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)]
    .filter(([, name, value]) => secretName.test(name!) && value!.trim() !== '')
    .map(([, name]) => name);
  expect(setSecrets).toEqual([]);
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [variable, value] of Object.entries(service.environment ?? {})) {
      if (!secretName.test(variable) || value === null) continue;
      // A path to a key file on the certificates volume names the key; it does not hold it.
      if (/^\/certs\/[\w-]+\.key$/.test(String(value))) continue;
      // Only a reference to the environment, e.g. ${POSTGRES_PASSWORD:?...}.
      expect([name, variable, String(value)]).toEqual([
        name,
        variable,
        expect.stringMatching(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/),
      ]);
    }
  }
});

test('the Temporal setup registers exactly the search attributes the workflows write', () => {
  const cliType = (type: string) =>
    type
      .split('_')
      .map((word) => word[0] + word.slice(1).toLowerCase())
      .join('');
  const expected = customSearchAttributes.map((key) => `${key.name}=${cliType(key.type)}`).join(' ');
  expect(compose.services['temporal-setup']?.environment?.PAYOUTS_SEARCH_ATTRIBUTES).toBe(expected);
  expect(expected.split(' ')).toHaveLength(8);
});

test('Temporal server and admin tools share one pinned version; images name no registry host', () => {
  const images = Object.values(compose.services).map((service) => service.image!);
  const version = (image: string | undefined) => /:\$\{TEMPORAL_VERSION:-([0-9.]+)\}$/.exec(image ?? '')?.[1];
  const server = version(compose.services.temporal?.image);
  expect(server).toMatch(/^1\.\d+\.\d+$/);
  expect(version(compose.services['temporal-schema']?.image)).toBe(server);
  expect(version(compose.services['temporal-setup']?.image)).toBe(server);
  const fromDockerfile = [...dockerfile.matchAll(/^ARG NODE_IMAGE=(\S+)$/gm)].map((match) => match[1]!);
  expect(fromDockerfile).toEqual(['node:24-slim']);
  for (const image of [...images, ...fromDockerfile]) {
    // A registry host is a first path component with a dot or a port: none here, only plain image names.
    const first = image.split('/')[0]!;
    expect([image, image.includes('/') && /[.:]/.test(first)]).toEqual([image, false]);
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

test('mTLS: a one-shot step makes the certificates; the frontend requires a client certificate of every caller', () => {
  const services = compose.services;
  expect(services['temporal-certs']?.command ?? services['temporal-certs']?.entrypoint).toBeDefined();
  const env = (name: string) => services[name]?.environment ?? {};
  expect(env('temporal').TEMPORAL_TLS_REQUIRE_CLIENT_AUTH).toBe('true');
  expect(services.temporal?.depends_on?.['temporal-certs']).toEqual({ condition: 'service_completed_successfully' });
  // Everything that talks to the frontend presents its own certificate and checks the server's.
  for (const name of ['worker', 'relay', 'temporal-setup']) {
    expect([name, env(name).TEMPORAL_TLS_CLIENT_CERT_PATH]).toEqual([name, expect.stringMatching(/\.pem$/)]);
    expect([name, env(name).TEMPORAL_TLS_CLIENT_KEY_PATH]).toEqual([name, expect.stringMatching(/\.key$/)]);
    expect([name, env(name).TEMPORAL_TLS_SERVER_CA_CERT_PATH]).toEqual([name, '/certs/ca.pem']);
  }
  expect(env('temporal-ui').TEMPORAL_TLS_CERT).toMatch(/\.pem$/);
  expect(env('temporal-ui').TEMPORAL_TLS_CA).toBe('/certs/ca.pem');
  // The CA key is in a volume only the certificate step mounts.
  const mounts = (name: string) => (services[name]?.volumes ?? []).map(String);
  for (const [name] of Object.entries(services)) {
    if (name !== 'temporal-certs')
      expect([name, mounts(name).some((m) => m.startsWith('temporal-ca:'))]).toEqual([name, false]);
  }
});
