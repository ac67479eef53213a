import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** The folders and top-level modules of src/ (`ls src`), for the rule that src/domain imports none of them. */
const srcFolders = readdirSync(path.join(import.meta.dirname, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const srcRootModules = ['**/config.js', '**/logging.js', '**/temporal-connection.js'];

/** Node's built-in modules, bare and with the `node:` prefix. */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The workflow modules other layers may import: ids, signals, queries, updates, schemas, search attributes and
 * the start options every starter shares. The rest of src/workflows is implementation.
 */
const workflowDefinitions = [
  '**/workflows/definitions.js',
  '**/workflows/payout/definitions.js',
  '**/workflows/batch/definitions.js',
  '**/workflows/batch/schemas.js',
  '**/workflows/batch/child-options.js',
  '**/workflows/reconciliation/definitions.js',
];
const workflowImplementation = {
  // Modules, not folders: the patterns follow .gitignore, where nothing inside an excluded folder (batch/) can be
  // let through again.
  group: ['**/workflows/**/*.js', ...workflowDefinitions.map((path) => `!${path}`)],
  message: 'only workflow definitions modules are shared; move a pure helper to src/domain',
};

/** One layer's import ban: every pattern an error, type imports included unless the pattern says otherwise. */
const layerRule = (patterns, paths = []) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Activities and handlers are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // No import cycles (type-only imports may close a loop: they are gone at run time).
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  // The dependency rules of docs/ARCHITECTURE.md ("Dependency rules"); test/unit/lint/layers.test.ts breaks each once.
  {
    // Workflow code must stay deterministic: no Node built-ins, no HTTP, no providers, config, logging or clients.
    files: ['src/workflows/**/*.ts'],
    rules: layerRule(
      [
        {
          group: ['**/providers/**', '**/config.js', '**/logging.js', '**/client/**', '**/cli/**', '**/shared/**'],
          message: 'workflows import src/domain and their own definitions only',
        },
        {
          group: ['**/activities/**', '**/worker/**', '**/sandbox/**', '**/webhooks/**'],
          message: 'workflows call activities through proxyActivities only (type imports are fine)',
          allowTypeImports: true,
        },
      ],
      [...nodeBuiltins, 'got', 'pino'].map((name) => ({
        name,
        message: 'workflow code is deterministic: do I/O in an activity',
      })),
    ),
  },
  {
    // src/domain is below every layer: it imports nothing else from src.
    files: ['src/domain/**/*.ts'],
    rules: layerRule([
      {
        group: [
          ...srcFolders.filter((folder) => folder !== 'domain').map((folder) => `**/${folder}/**`),
          ...srcRootModules,
        ],
        message: 'src/domain is pure and shared by every layer: it imports no other folder of src',
      },
    ]),
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: layerRule([
      {
        group: ['@temporalio/*'],
        message: 'providers never import Temporal: throw the errors of providers/errors.ts',
      },
    ]),
  },
  {
    files: ['src/client/**/*.ts'],
    rules: layerRule([
      { group: ['**/providers/**', '**/cli/**'], message: 'the client library imports no providers and no CLI' },
      workflowImplementation,
    ]),
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: layerRule([
      { group: ['**/client/**', '**/cli/**'], message: 'activities import no client or CLI code' },
      workflowImplementation,
    ]),
  },
  {
    // What client/, activities/ and metrics/ share that needs Temporal's client (so not domain/).
    files: ['src/shared/**/*.ts'],
    rules: layerRule([
      {
        group: ['**/client/**', '**/cli/**', '**/providers/**', '**/activities/**', '**/worker/**'],
        message: 'src/shared sits below client/, activities/ and metrics/: it imports none of them',
      },
      workflowImplementation,
    ]),
  },
  {
    files: ['src/metrics/**/*.ts'],
    rules: layerRule([
      { group: ['**/client/**', '**/cli/**'], message: 'metrics import no client or CLI code' },
      workflowImplementation,
    ]),
  },
  {
    // The sandbox is a second, independent implementation of the providers' wire formats (docs/SANDBOX.md).
    files: ['src/sandbox/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/providers/**', '**/providers'],
              message: 'the sandbox imports nothing from src/providers: write it from the provider references',
            },
          ],
        },
      ],
    },
  },
  {
    // Only src/devstack launches processes: one place supervises them, logs them and stops them.
    ignores: ['src/devstack/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['child_process', 'node:child_process'].map((name) => ({
          name,
          message: 'only src/devstack spawns processes: use its stack, supervisor or runCommand',
        })),
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
