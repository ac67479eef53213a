import { fileURLToPath } from 'node:url';

/** The repository's root: services and scripts are named from it, wherever a run was started. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
