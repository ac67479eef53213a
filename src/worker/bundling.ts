import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

/**
 * Our sources are ESM with `.js` import suffixes; when the bundler reads the TypeScript sources directly
 * (development, tests), `./x.js` must resolve to `./x.ts`.
 */
export const webpackConfigHook: NonNullable<BundleOptions['webpackConfigHook']> = (config) => {
  config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
  return config;
};

/** The workflows entry point next to this module: src/workflows/index.ts in development, dist/... when built. */
export function defaultWorkflowsPath(): string {
  return workflowModule('index');
}

/** A module of src/workflows: its TypeScript source in development and tests, its built twin in dist/. */
function workflowModule(name: string): string {
  const ts = fileURLToPath(new URL(`../workflows/${name}.ts`, import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL(`../workflows/${name}.js`, import.meta.url));
}

/** The workflow interceptor modules every bundle carries (src/workflows/interceptors.ts: plaintext refused). */
export function workflowInterceptorModules(): string[] {
  return [workflowModule('interceptors')];
}

/**
 * What our workflow bundle preloads: the shared context's settings (src/workflows/shared-context.ts, made
 * before any workflow runs), then our workflow code itself. The SDK gives each workflow a module cache of its
 * own, so every payout evaluated every module of ours again (about a millisecond per payout,
 * docs/PERFORMANCE.md); a preloaded module is evaluated once per worker thread and frozen.
 * That is safe because our workflow modules keep no state at module level: each run's state lives in what
 * its workflow function creates. Another entry point (a benchmark's baseline) keeps the SDK's defaults.
 */
export function preloadedModules(workflowsPath: string): string[] {
  return workflowsPath === defaultWorkflowsPath()
    ? [workflowModule('shared-context'), ...workflowInterceptorModules(), workflowsPath]
    : [];
}
