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
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

/** The workflow interceptor modules every bundle carries (src/workflows/interceptors.ts: plaintext refused). */
export function workflowInterceptorModules(): string[] {
  const ts = fileURLToPath(new URL('../workflows/interceptors.ts', import.meta.url));
  return [existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/interceptors.js', import.meta.url))];
}
