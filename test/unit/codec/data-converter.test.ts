import { ApplicationFailure } from '@temporalio/common';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  encodeMapToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow/index.js';
import { payoutsDataConverter } from '../../../src/codec/data-converter.js';
import { codecWith, keyEntries } from './test-keys.js';

const pan = '4111111111111111';
const converter = () => loadDataConverter(payoutsDataConverter(codecWith([keyEntries.k1])));

test("a failure's message and stack trace are encrypted, and read back by a holder of the key", async () => {
  const loaded = converter();
  const failure = await encodeErrorToFailure(loaded, ApplicationFailure.nonRetryable(`card ${pan} refused`, 'Refused'));
  expect(failure.message).toBe('Encoded failure');
  expect(failure.stackTrace).toBe('');
  expect(JSON.stringify(failure)).not.toContain(pan);
  expect(Buffer.from(failure.encodedAttributes!.data!).toString('latin1')).not.toContain(pan);

  const error = await decodeOptionalFailureToOptionalError(loaded, failure);
  expect(error?.message).toBe(`card ${pan} refused`);
});

test('memos go through the codec', async () => {
  const memo = await encodeMapToPayloads(converter(), { note: `for ${pan}` });
  const note = memo.note;
  expect(Buffer.from(note?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
  expect(Buffer.from(note?.data ?? []).toString('latin1')).not.toContain(pan);
});
