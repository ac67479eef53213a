/**
 * Workflow interceptors of every payouts worker (bundled with the workflows: src/worker/bundling.ts). They
 * refuse what arrived without the payouts codec's encryption (src/codec/plaintext-guard.ts marks it): an input
 * fails the workflow at once, before anything is sent anywhere; a signal is dropped; an update is rejected.
 * Nothing else changes, so encrypted traffic and every recorded history run as before.
 */
import {
  ApplicationFailure,
  log,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { plaintextRefusalIn } from '../domain/plaintext-refusal.js';

/** The failure type of a refused plaintext input or update: never retried. */
export const plaintextRefusedFailureType = 'PlaintextPayloadRefused';

class RefusePlaintext implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const refusal = plaintextRefusalIn(input.args);
    if (refusal) throw ApplicationFailure.nonRetryable(`workflow input ${refusal}`, plaintextRefusedFailureType);
    return next(input);
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    const refusal = plaintextRefusalIn(input.args);
    if (refusal) {
      log.warn(`signal ${input.signalName} dropped: ${refusal}`);
      return;
    }
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const refusal = plaintextRefusalIn(input.args);
    if (refusal) throw new Error(`update ${input.name} ${refusal}`);
    next(input);
  }

  /** Updates without a validator reach only this. */
  async handleUpdate(
    input: UpdateInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>,
  ): Promise<unknown> {
    const refusal = plaintextRefusalIn(input.args);
    if (refusal) throw ApplicationFailure.nonRetryable(`update ${input.name} ${refusal}`, plaintextRefusedFailureType);
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new RefusePlaintext()] });
