/**
 * `payouts/codec`: the payload codec every starter must use (workers refuse what it did not encrypt), its
 * keys and the data converter, without the codec server or anything of the worker.
 * @example
 * const dataConverter = payoutsDataConverter(await codecFromEnvironment());
 */
export { payoutsDataConverter } from '../codec/data-converter.js';
export { EncryptionCodec, encryptedEncoding, keyIdMetadataKey } from '../codec/encryption-codec.js';
export { PayloadDecryptionError } from '../codec/errors.js';
export { codecFromEnvironment } from '../codec/from-config.js';
export { CodecKeyring, generateCodecKeyEntry, parseCodecKeys, type CodecKey } from '../codec/keys.js';
