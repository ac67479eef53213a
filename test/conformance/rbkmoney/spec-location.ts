// Where the provider's specifications live: ../shared/reference next to the repository (not copied into it).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** ../shared/reference, resolved from the repository root (PAYOUTS_REFERENCE_DIR overrides it). */
export const referenceDir = resolve(repoRoot, process.env.PAYOUTS_REFERENCE_DIR ?? '../shared/reference');

export interface RbkmoneySpecDirs {
  /** Wallet API, Swagger 2.0 split into paths/ and definitions/ beside swagger.yaml. */
  wallet: string;
  /** Card tokenization (payres), split the same way. */
  payres: string;
  /** Webhook event payloads (the 2021, RBKmoney-era spec), split the same way. */
  events: string;
}

export function rbkmoneySpecDirs(base = referenceDir): RbkmoneySpecDirs | undefined {
  const dirs = {
    wallet: join(base, 'rbkmoney-spec/api/wallet/spec'),
    payres: join(base, 'rbkmoney-spec/api/payres/spec'),
    events: join(base, 'rbkmoney-webhook-events-spec/spec'),
  };
  return Object.values(dirs).every((dir) => existsSync(join(dir, 'swagger.yaml'))) ? dirs : undefined;
}

export const specAbsentMessage =
  `skipped: the RBKmoney specifications were not found under ${referenceDir} ` +
  '(expected ../shared/reference/rbkmoney-spec and rbkmoney-webhook-events-spec beside the repository)';

/**
 * The spec directories, or undefined when they are absent outside CI (the checks then show as skipped). With
 * CI=true an absent spec is an error: a pipeline that lost ../shared must not pass without these checks.
 */
export function rbkmoneySpecDirsForTests(
  base = referenceDir,
  env: NodeJS.ProcessEnv = process.env,
): RbkmoneySpecDirs | undefined {
  const dirs = rbkmoneySpecDirs(base);
  if (!dirs && env.CI === 'true') {
    throw new Error(`the RBKmoney specifications are required when CI=true and were not found under ${base}`);
  }
  return dirs;
}
