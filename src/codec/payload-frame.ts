/**
 * A whole Payload (metadata and data) as bytes, so encryption hides the original encoding too and decryption
 * restores it exactly. Layout: version (1 byte), metadata count (u16), per entry key length (u16), key (UTF-8),
 * value length (u32), value; then the data to the end.
 */
import type { Payload } from '@temporalio/common';

const frameVersion = 1;

export function payloadToFrame(payload: Payload): Buffer {
  const entries = Object.entries(payload.metadata ?? {});
  const parts: Buffer[] = [Buffer.from([frameVersion]), u16(entries.length)];
  for (const [key, value] of entries) {
    const keyBytes = Buffer.from(key, 'utf8');
    parts.push(u16(keyBytes.length), keyBytes, u32(value.length), Buffer.from(value));
  }
  parts.push(Buffer.from(payload.data ?? new Uint8Array()));
  return Buffer.concat(parts);
}

export function frameToPayload(frame: Buffer): Payload {
  let offset = 0;
  const take = (length: number): Buffer => {
    if (offset + length > frame.length) throw new Error('the decrypted payload frame is truncated');
    const slice = frame.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  if (take(1)[0] !== frameVersion) throw new Error('the decrypted payload frame has an unknown version');
  const count = take(2).readUInt16BE();
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const key = take(take(2).readUInt16BE()).toString('utf8');
    metadata[key] = new Uint8Array(take(take(4).readUInt32BE()));
  }
  return { metadata, data: new Uint8Array(frame.subarray(offset)) };
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
