/**
 * AES-256-GCM over every payload. Each payload gets a fresh random 96-bit nonce; the key id travels in the
 * payload's metadata and is bound into the authenticated data, so a payload cannot be moved to another key
 * unnoticed. New payloads use the active key; any configured key decrypts, so keys rotate under running workflows.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { PayloadDecryptionError } from './errors.js';
import type { CodecKeyring } from './keys.js';
import { frameToPayload, payloadToFrame } from './payload-frame.js';

export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';
export const cipherMetadataKey = 'encryption-cipher';
const cipherName = 'AES-256-GCM/v1';
const nonceBytes = 12;
const tagBytes = 16;

const text = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/** Binds the ciphertext to its key id and format version. */
const associatedData = (keyId: string): Buffer => Buffer.from(`payouts ${cipherName} key=${keyId}`, 'utf8');

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: CodecKeyring) {}

  get activeKeyId(): string {
    return this.keyring.active.id;
  }

  get keyIds(): string[] {
    return this.keyring.ids;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keyring.active;
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes });
    cipher.setAAD(associatedData(id));
    const ciphertext = Buffer.concat([cipher.update(payloadToFrame(payload)), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(encryptedEncoding),
        [keyIdMetadataKey]: Buffer.from(id),
        [cipherMetadataKey]: Buffer.from(cipherName),
      },
      data: Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]),
    };
  }

  /** Payloads that are not ours (written before the codec, or by another codec) pass through unchanged. */
  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== encryptedEncoding) return payload;
    const keyId = text(payload.metadata?.[keyIdMetadataKey]);
    if (keyId === undefined) throw new PayloadDecryptionError(undefined, 'malformed', 'the key id metadata is missing');
    const cipherLabel = text(payload.metadata?.[cipherMetadataKey]);
    if (cipherLabel !== cipherName) {
      throw new PayloadDecryptionError(keyId, 'malformed', `unsupported cipher "${cipherLabel ?? 'none'}"`);
    }
    const entry = this.keyring.get(keyId);
    if (!entry) {
      throw new PayloadDecryptionError(
        keyId,
        'unknown key',
        `key "${keyId}" is not configured (configured: ${this.keyring.ids.join(', ')}); ` +
          'put it back in CODEC_KEYS to read what it encrypted',
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < nonceBytes + tagBytes) {
      throw new PayloadDecryptionError(keyId, 'malformed', 'the encrypted data is truncated');
    }
    const decipher = createDecipheriv('aes-256-gcm', entry.key, data.subarray(0, nonceBytes), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(associatedData(keyId));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    let frame: Buffer;
    try {
      frame = Buffer.concat([decipher.update(data.subarray(nonceBytes, data.length - tagBytes)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        keyId,
        'authentication failed',
        `authentication failed: the payload was altered, or key "${keyId}" is not the key that encrypted it`,
      );
    }
    return frameToPayload(frame);
  }
}
