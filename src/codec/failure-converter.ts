/**
 * Loaded by path (DataConverter.failureConverterPath) in two places: bundled into the workflow sandbox and
 * required by the worker's and clients' main thread. With encodeCommonAttributes, a failure's message and stack
 * trace travel as an encoded payload, so the codec encrypts them like any other data.
 * Workflow-safe: imports nothing but @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
