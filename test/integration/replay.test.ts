// Histories recorded from the payout scenarios (RECORD_HISTORIES=1 npm run test:integration), and the runs
// of a batch that continued as new with children in flight before the 'quiet-continue-as-new' patch
// (batch-pre-quiet-*), replay on today's code; a change that breaks determinism for running workflows
// fails here. The replay runs in the `npm run replay` script's own process: protobuf's JSON reader does
// not survive jest's module isolation.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateCodecKeyEntry } from '../../src/codec/keys.js';
import { historiesDir } from './replay-helpers.js';

// The fixtures are unencrypted; the script still needs keys (no process invents its own).
const env = { ...process.env, CODEC_KEYS: generateCodecKeyEntry('replay-test') };

test('recorded payout histories replay without non-determinism', async () => {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(10);
  const tsx = path.resolve('node_modules/.bin/tsx');
  const { stdout } = await promisify(execFile)(tsx, ['scripts/replay-histories.ts', historiesDir], {
    maxBuffer: 16 * 1024 * 1024,
    env,
  });
  expect(stdout).toContain(`replayed ${files.length} histories, 0 failed`);
});

test('a history that no longer matches the code fails the replay', async () => {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json'));
  const tsx = path.resolve('node_modules/.bin/tsx');
  // The same history run against a different workflow type must be refused, proving the check can fail.
  const replay = promisify(execFile)(
    tsx,
    ['scripts/replay-histories.ts', path.join(historiesDir, files[0] ?? 'none')],
    {
      env: { ...env, PAYOUTS_REPLAY_WORKFLOWS: path.resolve('test/integration/fixtures/smoke-workflows.ts') },
    },
  );
  await expect(replay).rejects.toMatchObject({ code: 1 });
});
