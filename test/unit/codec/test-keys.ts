import { EncryptionCodec } from '../../../src/codec/encryption-codec.js';
import { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../../../src/codec/keys.js';

/** Fresh random keys per test run, in CODEC_KEYS entry format, by id. */
export const keyEntries = { k1: generateCodecKeyEntry('k1'), k2: generateCodecKeyEntry('k2') };

export function codecWith(entries: string[], activeId?: string): EncryptionCodec {
  return new EncryptionCodec(new CodecKeyring(parseCodecKeys(entries.join(',')), activeId));
}

/** The base64 key material of an entry, to prove it never shows up in messages. */
export const materialOf = (entry: string): string => entry.slice(entry.indexOf(':') + 1);
