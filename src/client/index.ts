/**
 * `payouts/client`: the client library for backend services. Start and follow payouts and batches without
 * any worker code. Types come from the zod schemas in src/domain and src/workflows/batch/definitions.ts.
 */
export { PayoutsClient, workflowTypes } from './payouts-client.js';
export { batchSummary } from './batch-submission.js';
export type {
  AttemptSummary,
  BatchSubmission,
  PayoutAttemptsView,
  PayoutSubmission,
  PayoutsClientOptions,
  RetryDeclinedOptions,
  RetryDeclinedStart,
  SubmitBatchInput,
} from './payouts-client.js';
export * from './errors.js';
export { providerValidator, type PayoutValidator, type ProviderValidationOptions } from './provider-validation.js';
export { parseBatchFile, formatOfFile, repeatedPayoutIds, columnAliases } from './batch-file.js';
export type { BatchFileFormat, BatchFileOptions, ParsedBatchFile, ParsedItem } from './batch-file.js';
export { requestIdentity } from '../domain/request-identity.js';
// The payload codec every starter must use: workers refuse what it did not encrypt (docs/CLIENTS.md, "Encryption").
export { payoutsDataConverter } from '../codec/data-converter.js';
export { EncryptionCodec, encryptedEncoding } from '../codec/encryption-codec.js';
export { codecFromEnvironment } from '../codec/from-config.js';
export { CodecKeyring, generateCodecKeyEntry, parseCodecKeys } from '../codec/keys.js';
export { checkPayoutRequest } from './validation.js';
export type { PayoutRequest, PayoutRequestInput, ProviderName } from '../domain/payout-request.js';
export type { PayoutOutcome, PayoutStatus, TerminalStatus } from '../domain/payout-outcome.js';
export type { PayoutView } from '../workflows/definitions.js';
export type {
  BatchItemStatus,
  BatchOptions,
  BatchOptionsInput,
  BatchProgress,
  BatchResult,
  ReportRow,
} from '../workflows/batch/definitions.js';
export { payoutAttemptWorkflowId, payoutWorkflowId } from '../workflows/definitions.js';
export { batchWorkflowId } from '../workflows/batch/definitions.js';
export { operatorIdentity } from './operator-identity.js';
