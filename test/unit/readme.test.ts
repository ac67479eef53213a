// README.md leads with the main job and lists every npm script, one line each: a script added to package.json
// without its line (or a line left for a script that is gone) fails here.
import { readFileSync } from 'node:fs';

const readme = readFileSync('README.md', 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: object }).scripts);

/** The scripts named in the first column of the README's script table. */
function listedScripts(): string[] {
  const section = readme.split(/^## Scripts$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| `npm (?:run )?([\w:-]+)[^`]*` +\|/gm)].map((match) => match[1]!);
}

test('every package.json script has one line in the README, and every line a script', () => {
  const listed = listedScripts();
  expect(listed.length).toBeGreaterThan(10);
  expect([...listed].sort()).toEqual([...scripts].sort());
});

test('the README starts with npm install, npm run demo and npm test, and has no stale status note', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(firstBlock.split('\n').map((line) => line.split('#')[0]!.trim())).toEqual([
    'npm install',
    'npm run demo',
    'npm test',
    '',
  ]);
  expect(readme).not.toMatch(/land next|lands next/);
});
