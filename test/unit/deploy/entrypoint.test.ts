// The image's entry point (deploy/entrypoint.mjs): it runs the chosen service with that service's own
// arguments, and its health check passes only on a 200 from the service's health route.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../../src/devstack/commands.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runEntrypoint(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { code, stdout, stderr } = await runCommand(process.execPath, [file, ...args], {
    env: { ...process.env, ...env },
  });
  return { code, stdout, stderr };
}

const entrypoint = path.resolve('deploy/entrypoint.mjs');

test('a service runs its main module with its own arguments', async () => {
  // An app root of our own: deploy/entrypoint.mjs next to a dist/ whose CLI prints what it was given.
  const root = await mkdtemp(path.join(os.tmpdir(), 'payouts-entrypoint-'));
  try {
    await mkdir(path.join(root, 'deploy'));
    await mkdir(path.join(root, 'dist/cli'), { recursive: true });
    await copyFile(entrypoint, path.join(root, 'deploy/entrypoint.mjs'));
    await writeFile(path.join(root, 'dist/cli/main.js'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    const run = await runEntrypoint(path.join(root, 'deploy/entrypoint.mjs'), ['cli', 'batch', 'status', 'b-1']);
    expect(run).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout)).toEqual(['batch', 'status', 'b-1']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('an unknown service is refused with the usage line', async () => {
  const run = await runEntrypoint(entrypoint, ['scheduler']);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('usage: entrypoint.mjs <worker|relay|codec|sandbox|cli>');
});

describe('healthcheck', () => {
  let status = 200;
  let requested: string[] = [];
  const server = http.createServer((req, res) => {
    requested.push(req.url ?? '');
    res.writeHead(status).end();
  });
  let port: number;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (requested = []));

  test("passes on a 200 from the service's health route, on the port its variable names", async () => {
    status = 200;
    // The relay's health is on its internal port: the public one serves /webhooks/* only.
    const relay = { RELAY_PORT: '1', RELAY_INTERNAL_PORT: String(port) };
    expect((await runEntrypoint(entrypoint, ['healthcheck', 'relay'], relay)).code).toBe(0);
    expect((await runEntrypoint(entrypoint, ['healthcheck', 'sandbox'], { SANDBOX_PORT: String(port) })).code).toBe(0);
    expect(requested).toEqual(['/healthz', '/sandbox/health']);
  });

  test('fails on any other answer, or when nothing listens', async () => {
    status = 503;
    const unhealthy = await runEntrypoint(entrypoint, ['healthcheck', 'worker'], { WORKER_HEALTH_PORT: String(port) });
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stderr).toContain('worker: /healthz answered 503');
    const closed = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const free = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(free));
      });
    });
    expect(
      (await runEntrypoint(entrypoint, ['healthcheck', 'codec'], { CODEC_SERVER_PORT: String(closed) })).code,
    ).toBe(1);
  });
});
