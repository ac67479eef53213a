import { devServerArgs } from '../../../src/devstack/dev-server.js';

test('a file-backed dev server uses the WAL journal and registers the seven search attributes', () => {
  const args = devServerArgs({
    cliPath: 'temporal',
    port: 7233,
    uiPort: 8233,
    dbFile: '.data/temporal.db',
    logFile: 'x',
  });
  const joined = args.join(' ');
  expect(joined).toContain('server start-dev');
  expect(joined).toContain('--db-filename .data/temporal.db');
  expect(joined).toContain('--sqlite-pragma journal_mode=wal');
  expect(joined).toContain('--ui-port 8233');
  for (const attribute of [
    'PayoutStatus=Keyword',
    'PayoutProvider=Keyword',
    'BatchId=Keyword',
    'PayoutCurrency=Keyword',
    'PayoutAmount=Int',
    'PayoutProviderReference=Keyword',
    'PayoutDeclineCode=Keyword',
    'PayoutBatchBlock=Keyword',
  ]) {
    expect(args).toContain(attribute);
  }
});

test('a test server is headless and in memory', () => {
  const args = devServerArgs({ cliPath: 'temporal', port: 40000, logFile: 'x' });
  expect(args).toContain('--headless');
  expect(args).not.toContain('--db-filename');
  expect(args).not.toContain('--ui-port');
});
