/** Why a payload could not be decrypted, naming the key id it claims (never key material). */
export class PayloadDecryptionError extends Error {
  constructor(
    readonly keyId: string | undefined,
    readonly reason: 'unknown key' | 'authentication failed' | 'malformed',
    detail: string,
  ) {
    super(`cannot decrypt payload${keyId === undefined ? '' : ` (key "${keyId}")`}: ${detail}`);
    this.name = 'PayloadDecryptionError';
  }
}
