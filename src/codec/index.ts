/** Payload encryption: the codec, its keys and data converter, and the masking codec server. */
export { payoutsDataConverter, failureConverterPath } from './data-converter.js';
export { EncryptionCodec, encryptedEncoding, keyIdMetadataKey } from './encryption-codec.js';
export { PayloadDecryptionError } from './errors.js';
export {
  codecFromConfig,
  configuredCodecKeys,
  ensureDevelopmentKey,
  type CodecFromConfigOptions,
} from './from-config.js';
export { CodecKeyring, parseCodecKeys, type CodecKey } from './keys.js';
export { maskJsonValue, maskPayload } from './masking.js';
export { startCodecServer, type CodecServer, type CodecServerOptions } from './server.js';
