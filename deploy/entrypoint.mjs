#!/usr/bin/env node
// The container image's entry point: one image, one process per container.
//
//   node entrypoint.mjs worker|relay|codec|sandbox    runs that service (its built main module)
//   node entrypoint.mjs cli <args...>                  the `payouts` command (batch submit, status, ...)
//   node entrypoint.mjs healthcheck <service>          exit 0 when the service in this container answers
//
// Plain JavaScript, so the image needs no TypeScript tooling at run time; it sits in deploy/ in the image as in
// the repository and runs the build output under the app root (`npm run build` first when trying it locally).
// The test in test/unit/deploy/ imports `services` to check that every main module is built from a source file.
/* global AbortSignal, console, fetch -- Node globals; this file is checked without type information */
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Each service's main module (relative to the app root) and how its health is asked: the port variable and
 * its default in src/config.ts, and the path that answers 200 while the service is healthy.
 */
export const services = {
  worker: {
    main: 'dist/worker/main.js',
    health: { portVariable: 'WORKER_HEALTH_PORT', defaultPort: 3004, path: '/healthz' },
  },
  relay: {
    main: 'dist/webhooks/main.js',
    // The internal port: the public one serves /webhooks/* only.
    health: { portVariable: 'RELAY_INTERNAL_PORT', defaultPort: 3005, path: '/healthz' },
  },
  codec: {
    main: 'dist/codec/main.js',
    health: { portVariable: 'CODEC_SERVER_PORT', defaultPort: 3002, path: '/healthz' },
  },
  sandbox: {
    main: 'dist/sandbox/main.js',
    health: { portVariable: 'SANDBOX_PORT', defaultPort: 3003, path: '/sandbox/health' },
  },
  cli: { main: 'dist/cli/main.js' },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = `usage: entrypoint.mjs <${Object.keys(services).join('|')}> [args...] | healthcheck <service>`;

async function healthcheck(name) {
  const health = services[name]?.health;
  if (!health) throw new Error(`no health check for "${name}"; ${usage}`);
  const port = Number(process.env[health.portVariable] ?? health.defaultPort);
  const response = await fetch(`http://127.0.0.1:${port}${health.path}`, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) throw new Error(`${name}: ${health.path} answered ${response.status}`);
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'healthcheck') return healthcheck(rest[0]);
  const service = services[command];
  if (!service) throw new Error(usage);
  // The service sees its own arguments only: [node, entrypoint, ...rest] (commander reads process.argv).
  process.argv.splice(2, 1);
  await import(pathToFileURL(path.join(root, service.main)).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
