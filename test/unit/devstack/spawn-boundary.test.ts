// "Only src/devstack spawns processes" is a lint rule: a deliberate violation elsewhere must fail `npm run lint`.
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

/** The rule ids ESLint reports for `code` as if it were the file at `filePath` (nothing is written). */
async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

const importsChildProcess = `import { spawn } from 'node:child_process';\nspawn('true', []);\n`;
const importsBareChildProcess = `import { execFile } from 'child_process';\nexecFile('true', []);\n`;

test.each(['scripts/launch.mjs', 'bench/launch.mjs', 'test/integration/launch.mjs', 'src/worker/launch.mjs'])(
  'importing node:child_process in %s fails lint',
  async (filePath) => {
    expect(await ruleIdsFor(filePath, importsChildProcess)).toContain('no-restricted-imports');
    expect(await ruleIdsFor(filePath, importsBareChildProcess)).toContain('no-restricted-imports');
  },
  30_000,
);

test('src/devstack may spawn', async () => {
  expect(await ruleIdsFor('src/devstack/launch.mjs', importsChildProcess)).not.toContain('no-restricted-imports');
}, 30_000);
