// The Temporal Web UI in a real browser (headless Chromium through playwright-core), as ops use it: a Temporal
// dev server with its UI pointed at our codec server, the payout stack (sandbox, relay, worker) with encrypted
// payloads, one payout paid. The payout's page must show the summary, the masked card and the status, decoded
// by the codec server the browser calls, and never a full card number, in the text or anywhere in the HTML.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { startCodecServer, type CodecServer } from '../../../src/codec/server.js';
import { maskPan } from '../../../src/domain/card.js';
import { payoutRequestSchema } from '../../../src/domain/payout-request.js';
import { startDevServer, type DevServer } from '../../../src/devstack/dev-server.js';
import { freePort } from '../../../src/devstack/ports.js';
import { createLogger } from '../../../src/logging.js';
import { testCards } from '../../../src/sandbox/ecommpay/test-cards.js';
import { payoutSearchAttributePairs } from '../../../src/workflows/batch/child-options.js';
import { awaitOutcomeUpdate, payoutWorkflowId } from '../../../src/workflows/definitions.js';
import { payoutSummary } from '../../../src/domain/payout-summary.js';
import { PayoutWorkflowV3 } from '../../../src/workflows/payout/workflow.js';
import { testServer } from '../helpers.js';
import { ecommpayPayout, startPayoutStack, testTimings, type PayoutStack } from '../payout/stack.js';

/** Where the screenshots go (.data is git-ignored); printed by the test. */
const screenshotPath = path.resolve('.data/ui-test/payout.png');
const metadataScreenshotPath = path.resolve('.data/ui-test/payout-metadata.png');
const pan = testCards.visa.pan;

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (!found) throw new Error('no Chromium: apt-get install chromium (or set CHROMIUM_PATH)');
  return found;
}

let devServer: DevServer;
let codecServer: CodecServer;
let stack: PayoutStack;
let browser: Browser;

beforeAll(async () => {
  const uiPort = await freePort();
  const uiOrigin = `http://127.0.0.1:${uiPort}`;
  const codec = new EncryptionCodec(new CodecKeyring(parseCodecKeys(generateCodecKeyEntry('ui-test'))));
  // As `npm start` runs it: the UI's origin admitted without the token, anything else needs it.
  codecServer = await startCodecServer({
    codec,
    port: 0,
    host: '127.0.0.1',
    corsOrigins: [uiOrigin],
    token: 'ui-test-token',
    admitBrowsersWithoutToken: true,
    logger: createLogger('ui-test-codec', { level: 'silent' }),
  });
  devServer = await startDevServer({
    cliPath: testServer().cliPath,
    port: await freePort(),
    uiPort,
    uiCodecEndpoint: codecServer.url,
    logFile: path.resolve('.data/ui-test/temporal.log'),
  });
  stack = await startPayoutStack('ui', {
    dataConverter: payoutsDataConverter(codec),
    server: { address: devServer.address, namespace: devServer.namespace },
  });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    // Chromium's own sandbox cannot start as root (CI runs as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await devServer?.stop();
  await codecServer?.close();
});

/** Every request the page sends to the codec server, and every answer's body. */
function watchCodecCalls(page: Page, codecUrl: string) {
  const calls: { path: string; status: number; body: string }[] = [];
  page.on('response', (response) => {
    if (!response.url().startsWith(codecUrl) || response.request().method() !== 'POST') return;
    void response.text().then(
      (body) => calls.push({ path: new URL(response.url()).pathname, status: response.status(), body }),
      () => undefined,
    );
  });
  return calls;
}

async function screenshot(page: Page, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  console.log(`Temporal UI screenshot: ${file}`);
}

const everyFrameHtml = (page: Page) => Promise.all(page.frames().map((frame) => frame.content()));
const everyFrameText = (page: Page) =>
  Promise.all(
    page.frames().map((frame) =>
      frame
        .locator('body')
        .innerText({ timeout: 5_000 })
        .catch(() => ''),
    ),
  );

/** Reads until `done` holds (or 30 s pass) and returns the last reading. */
async function poll(read: () => Promise<string>, done: (value: string) => boolean): Promise<string> {
  const deadline = Date.now() + 30_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

test('a paid payout in the Temporal UI: summary, masked card and status decoded by the codec server, no card number', async () => {
  const request = payoutRequestSchema.parse(ecommpayPayout(pan, { amount: 150_000 }, 'ui'));
  // Started as PayoutsClient starts it: the static summary and the search attributes.
  const handle = await stack.conns.client.workflow.start(PayoutWorkflowV3, {
    taskQueue: stack.taskQueue,
    workflowId: payoutWorkflowId(request.payoutId),
    args: [{ request, timings: testTimings }],
    staticSummary: payoutSummary(request),
    typedSearchAttributes: payoutSearchAttributePairs(request),
  });
  const outcome = await handle.executeUpdate(awaitOutcomeUpdate);
  expect(outcome.status).toBe('succeeded');

  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const codecCalls = watchCodecCalls(page, codecServer.url);
  const base = `${devServer.uiUrl}/namespaces/${devServer.namespace}/workflows/${handle.workflowId}/${handle.firstExecutionRunId}`;
  const summary = payoutSummary(request);
  const masked = maskPan(pan);
  const seen: string[] = [];

  // History: the status, and the input and result decoded (and masked) by the codec server.
  await page.goto(`${base}/history`);
  await page.getByText(`"maskedCard": "${masked}"`).waitFor({ timeout: 30_000 });
  await page.getByText(`"pan": "${masked}"`).waitFor();
  await page.getByText('"status": "succeeded"').waitFor();
  const history = await page.locator('body').innerText();
  expect(history).toContain('Completed');
  expect(history).toContain(summary); // the started event's summary
  await screenshot(page, screenshotPath);
  seen.push(history, ...(await everyFrameHtml(page)));

  // User metadata: the summary the client set and the details the workflow keeps current, each rendered in a
  // frame of its own.
  await page.getByText('User Metadata', { exact: true }).first().click();
  const metadata = async () => (await everyFrameText(page)).join('\n');
  const details = `succeeded: ${summary}`;
  expect(await poll(metadata, (text) => text.includes(details))).toContain(details);
  await screenshot(page, metadataScreenshotPath);
  seen.push(await metadata(), ...(await everyFrameHtml(page)));

  // No full card number anywhere: rendered text, HTML of every frame, the codec server's answers.
  expect(seen.filter((content) => content.includes(pan))).toEqual([]);
  const decodes = codecCalls.filter((call) => call.path === '/decode');
  expect(decodes.length).toBeGreaterThan(0);
  expect(decodes.map((call) => call.status).filter((status) => status !== 200)).toEqual([]);
  expect(decodes.filter((call) => call.body.includes(pan))).toEqual([]);
  await page.close();
});
