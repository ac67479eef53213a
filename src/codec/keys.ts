/**
 * Payload encryption keys: the `CODEC_KEYS` format (`id:base64,id:base64`) and the keyring built from it.
 * Messages name a key by its id only; key material is held as a KeyObject, which never prints its bytes.
 */
import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

export const codecKeyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
export const codecKeyBytes = 32;
const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface CodecKey {
  readonly id: string;
  readonly key: KeyObject;
}

interface ParsedKeys {
  keys: CodecKey[];
  problems: string[];
}

function parse(text: string): ParsedKeys {
  const keys: CodecKey[] = [];
  const problems: string[] = [];
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  if (entries.length === 0) problems.push('lists no key: expected id:base64key[,id:base64key...]');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const material = entry.slice(colon + 1);
    // The entry itself is never echoed: a malformed one may be a bare key.
    if (!codecKeyIdPattern.test(id)) {
      problems.push(`entry ${index + 1} must be <id>:<base64 key>, the id made of A-Z, a-z, 0-9, ".", "_", "-"`);
      return;
    }
    if (keys.some((key) => key.id === id)) {
      problems.push(`key id "${id}" is listed twice`);
      return;
    }
    const bytes = base64Pattern.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (bytes.length !== codecKeyBytes) {
      problems.push(`key "${id}" must be base64 of ${codecKeyBytes} random bytes (AES-256)`);
      return;
    }
    keys.push({ id, key: createSecretKey(bytes) });
    bytes.fill(0);
  });
  return { keys, problems };
}

/** Problems in a CODEC_KEYS value, one line each, naming key ids and never key material. */
export function codecKeyProblems(text: string): string[] {
  return parse(text).problems;
}

/** The keys of a CODEC_KEYS value, in the order listed; throws on the first problem. */
export function parseCodecKeys(text: string): CodecKey[] {
  const { keys, problems } = parse(text);
  if (problems.length > 0) throw new Error(`CODEC_KEYS: ${problems.join('; ')}`);
  return keys;
}

/** A new random key in the CODEC_KEYS entry format. */
export function generateCodecKeyEntry(id: string): string {
  return `${id}:${randomBytes(codecKeyBytes).toString('base64')}`;
}

/** Every configured key by id, and the one new payloads are encrypted with. */
export class CodecKeyring {
  readonly active: CodecKey;
  private readonly byId: ReadonlyMap<string, CodecKey>;

  constructor(keys: readonly CodecKey[], activeId?: string) {
    const last = keys.at(-1);
    if (!last) throw new Error('a codec keyring needs at least one key');
    this.byId = new Map(keys.map((key) => [key.id, key]));
    const active = activeId === undefined ? last : this.byId.get(activeId);
    if (!active)
      throw new Error(`the active key "${activeId}" is not among the configured keys (${this.ids.join(', ')})`);
    this.active = active;
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): CodecKey | undefined {
    return this.byId.get(id);
  }
}
