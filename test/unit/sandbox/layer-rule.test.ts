// The lint rule that keeps the sandbox independent of the adapters: a deliberate import from src/providers
// into src/sandbox must fail eslint (npm run lint checks the sandbox as it is).
import { ESLint } from 'eslint';

const rule = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportsIn(text: string, filePath: string) {
  const [result] = await eslint.lintText(text, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === rule);
}

test('importing the adapter from the sandbox is a lint error', async () => {
  const text = "import { sign } from '../../providers/ecommpay/signature.js';\n\nexport const borrowed = sign;\n";
  const messages = await restrictedImportsIn(text, 'src/sandbox/ecommpay/signature.ts');
  expect(messages).toHaveLength(1);
  expect(messages[0]?.message).toContain('the sandbox imports nothing from src/providers');
}, 60_000);
